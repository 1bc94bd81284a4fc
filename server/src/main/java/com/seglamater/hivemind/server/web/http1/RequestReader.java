package com.seglamater.hivemind.server.web.http1;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.DirectHandler;
import io.helidon.http.Headers;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;

/**
 * The reader Helidon's HTTP/1 connection reads a request from, made strict about chunked bodies
 * (RFC 9112 §7.1) where Helidon 4.5.0's {@code Http1Connection.readNextChunk} is not:
 * <ul>
 *   <li>it parses the chunk-size line with {@code Integer.parseUnsignedInt(line, 16)}: a chunk
 *       extension ({@code 2c;a=b}, legal) and a malformed size ({@code -2}, {@code 0x2}, a bare LF)
 *       escape as a {@code NumberFormatException} quoting the whole line, a 500, and the line
 *       is read without a length limit;</li>
 *   <li>after the chunk data it skips two bytes without looking at them ({@code reader.skip(2)}),
 *       so {@code 2\r\n{}XX0\r\n\r\n} is accepted;</li>
 *   <li>it buffers a whole chunk before handing any of it on ({@code readBuffer(chunkLength)}).</li>
 * </ul>
 * {@code readNextChunk} reads the size line with {@link #readLine()} (nothing else in Helidon's
 * HTTP/1 server calls it) and the data with {@link #readBuffer(int)}, so these two are overridden:
 * a size line is checked and handed on as the plain hex size, extensions dropped; chunk data must
 * be followed by CRLF; a trailer section is checked and discarded. A framing error is a
 * {@link BodyFramingException} and leaves the connection unreadable: the rest of its bytes cannot
 * be trusted to start a request.
 * <p>
 * It also follows each request to its end (a Content-Length body, or the chunked body's last
 * chunk and trailer), so that {@link TimedSource} knows whether a wait is for a head, a body, or
 * the next request.
 * <p>
 * And it refuses a request line whose method is not a token (RFC 9110 §9.1) before Helidon parses
 * it: Helidon 4.5.0's {@code Http1Prologue.readMethod} runs outside the {@code try} that turns a
 * malformed request line into a 400, so {@code G(T / HTTP/1.1}, or a line of noise, escaped as an
 * {@code IllegalArgumentException}: a 500 {@code internal_error}, and a WARNING with a stack trace
 * in the log, for anyone who sends one. The line is the first thing read of each request, with
 * {@link #readBytes(int)}.
 */
@SuppressWarnings("removal") // the constructor with a supplier is deprecated in favour of create(), which cannot be subclassed
final class RequestReader extends DataReader {

    /** The characters of a token (RFC 9110 §5.6.2), which a method is. */
    private static final String TCHAR = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /** One chunk-size line with its extensions. */
    static final int MAX_CHUNK_LINE_BYTES = 4096;
    /** All chunk extensions of one body, which could otherwise be read without end between 1-byte chunks. */
    static final int MAX_EXTENSION_BYTES = 16 * 1024;
    /** The trailer section of one body. */
    static final int MAX_TRAILER_BYTES = 16 * 1024;

    private enum Body { NONE, LENGTH, CHUNK_SIZE, CHUNK_DATA, TRAILER }

    private final TimedSource source;
    private final long maxBodyBytes;
    private Body body = Body.NONE;
    private long lengthLeft;
    private long chunkSize;
    private int extensionBytes;
    private boolean broken;
    /** The next {@link #readBytes(int)} reads a request line. */
    private boolean requestLineNext = true;

    RequestReader(TimedSource source, long maxBodyBytes) {
        super(source);
        this.source = source;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * The request's head is in: what follows is decided as {@code Http1Connection.route} decides it
     * (a Transfer-Encoding means chunked, anything else there is refused before a byte is read; then a
     * Content-Length above 0).
     */
    void headRead(Headers headers) {
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            body = Body.CHUNK_SIZE;
            extensionBytes = 0;
            source.bodyFollows();
            return;
        }
        long length;
        try {
            length = headers.contentLength().orElse(0);
        } catch (IllegalArgumentException e) {
            length = 0; // refused by Helidon, which then closes the connection
        }
        if (length > 0) {
            body = Body.LENGTH;
            lengthLeft = length;
            source.bodyFollows();
        } else {
            requestDone();
        }
    }

    /** A chunk-size line, or the end of the trailer section after the last chunk. */
    @Override
    public String readLine() {
        if (broken) {
            throw new CloseConnectionException("the request's framing is broken");
        }
        if (body == Body.TRAILER) {
            discardTrailer();
            requestDone();
            return "";
        }
        ChunkedSyntax.ChunkSize chunk;
        try {
            chunk = ChunkedSyntax.chunkSize(line(MAX_CHUNK_LINE_BYTES, "a chunk-size line is longer than "
                    + MAX_CHUNK_LINE_BYTES + " bytes"));
        } catch (BodyFramingException e) {
            throw fail(e);
        }
        extensionBytes += chunk.extensionBytes();
        if (extensionBytes > MAX_EXTENSION_BYTES) {
            throw fail(BodyFramingException.malformed("the chunk extensions are longer than " + MAX_EXTENSION_BYTES
                    + " bytes"));
        }
        if (chunk.size() > maxBodyBytes) {
            throw fail(BodyFramingException.tooLarge(maxBodyBytes));
        }
        chunkSize = chunk.size();
        body = chunkSize == 0 ? Body.TRAILER : Body.CHUNK_DATA;
        // Helidon parses this with ParserHelper.parseNonNegative(line, 16) and adds it to the body's size.
        return Long.toHexString(chunkSize);
    }

    @Override
    public BufferData readBuffer(int length) {
        switch (body) {
            case CHUNK_DATA -> {
                BufferData data = super.readBuffer(length);
                // RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; Helidon skips the
                // last two bytes unseen.
                if (length != chunkSize || !startsWithNewLine()) {
                    throw fail(BodyFramingException.malformed("chunk data is not followed by CRLF"));
                }
                body = Body.CHUNK_SIZE;
                return data;
            }
            case LENGTH -> {
                BufferData data = super.readBuffer(length);
                lengthLeft -= length;
                if (lengthLeft <= 0) {
                    requestDone();
                }
                return data;
            }
            default -> {
                return super.readBuffer(length);
            }
        }
    }

    @Override
    public byte[] readBytes(int length) {
        byte[] bytes = super.readBytes(length);
        if (requestLineNext && body == Body.NONE) {
            requestLineNext = false;
            refuseMethodThatIsNoToken(bytes);
        }
        return bytes;
    }

    /** The method of a request line (up to its first space; without one, Helidon refuses the line itself). */
    private static void refuseMethodThatIsNoToken(byte[] requestLine) {
        int space = 0;
        while (space < requestLine.length && requestLine[space] != ' ') {
            space++;
        }
        if (space == requestLine.length) {
            return;
        }
        boolean token = space > 0;
        for (int i = 0; i < space && token; i++) {
            token = TCHAR.indexOf(requestLine[i]) >= 0;
        }
        if (!token) {
            throw RequestException.builder()
                    .type(DirectHandler.EventType.BAD_REQUEST)
                    .status(Status.BAD_REQUEST_400)
                    .message("the request method is not a token")
                    .build();
        }
    }

    private void discardTrailer() {
        int left = MAX_TRAILER_BYTES;
        try {
            for (byte[] field = line(left, "the trailer section is too long"); field.length > 0;
                 field = line(left, "the trailer section is too long")) {
                ChunkedSyntax.trailerField(field);
                left -= field.length + 2;
            }
        } catch (BodyFramingException e) {
            throw fail(e);
        }
    }

    /** The next line without its CRLF, at most {@code max} bytes. */
    private byte[] line(int max, String tooLong) {
        int eol;
        try {
            eol = findNewLine(max + 1);
        } catch (IncorrectNewLineException e) {
            throw BodyFramingException.malformed("a line ends in a bare CR or LF");
        }
        if (eol > max) {
            throw BodyFramingException.malformed(tooLong);
        }
        byte[] line = readBytes(eol);
        skip(2);
        return line;
    }

    private void requestDone() {
        body = Body.NONE;
        requestLineNext = true;
        source.requestDone(available() > 0);
    }

    /** Drops what is buffered and reads nothing more: the bytes after a framing error are not a request. */
    private BodyFramingException fail(BodyFramingException e) {
        broken = true;
        source.broken();
        skip(available());
        return e;
    }
}
