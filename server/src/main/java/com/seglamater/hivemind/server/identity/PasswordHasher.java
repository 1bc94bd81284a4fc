package com.seglamater.hivemind.server.identity;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Hashes and verifies local account passwords with Argon2id (RFC 9106), the first choice of
 * the OWASP Password Storage Cheat Sheet, at that sheet's first recommended setting
 * (19 MiB, 2 passes, 1 lane) unless told otherwise.
 *
 * <p>Hashes are stored as PHC strings exactly as the reference implementation and libsodium
 * write them ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, unpadded standard
 * base64), so a stored hash can be checked by, or migrated to, any other Argon2 library.
 * Verification reads the parameters from the stored string, so raising {@link Params} later
 * keeps old hashes working; {@link #needsRehash} says when to replace one at the next login.
 *
 * <p>Each derivation takes its full memory cost at once, so a {@link Semaphore} caps how many
 * run together: otherwise a burst of login attempts becomes a memory exhaustion attack.
 * Callers beyond the cap wait their turn (fairly) rather than fail. Derivations asked for on
 * a virtual thread run on a platform thread, so that they never occupy a carrier.
 *
 * <p>A password is hashed as the UTF-8 bytes of its Unicode NFC form, so "é" typed as one
 * code point on one system and as "e" plus a combining accent on another is the same password.
 */
public final class PasswordHasher {

    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    private static final String PREFIX = "$argon2id$v=19$";
    /** Far above the longest string {@link #parse} can accept; refuses huge input before splitting it. */
    private static final int MAX_ENCODED_LENGTH = 256;
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    /**
     * Argon2id cost parameters: memory in KiB, passes over it, and lanes. The bounds are those
     * {@link #verify} accepts from a stored string: wide enough for any sensible setting, tight
     * enough that a tampered row cannot make one login allocate gigabytes or run for minutes.
     */
    public record Params(int memoryKiB, int iterations, int parallelism) {

        /** OWASP Password Storage Cheat Sheet, Argon2id, first recommended configuration. */
        public static final Params DEFAULT = new Params(19_456, 2, 1);

        static final int MAX_MEMORY_KIB = 1_048_576;
        static final int MAX_ITERATIONS = 16;
        static final int MAX_PARALLELISM = 16;

        public Params {
            if (!inBounds(memoryKiB, iterations, parallelism)) {
                throw new IllegalArgumentException("Argon2id parameters out of bounds: m=" + memoryKiB
                        + " (8*p.." + MAX_MEMORY_KIB + "), t=" + iterations + " (1.." + MAX_ITERATIONS
                        + "), p=" + parallelism + " (1.." + MAX_PARALLELISM + ")");
            }
        }

        static boolean inBounds(int memoryKiB, int iterations, int parallelism) {
            // RFC 9106 requires m >= 8*p: each lane needs at least two blocks per sync point.
            return parallelism >= 1 && parallelism <= MAX_PARALLELISM
                    && iterations >= 1 && iterations <= MAX_ITERATIONS
                    && memoryKiB >= 8 * parallelism && memoryKiB <= MAX_MEMORY_KIB;
        }
    }

    /** A parsed PHC string. */
    private record Encoded(Params params, byte[] salt, byte[] hash) {
    }

    /** Platform threads for derivations started on virtual threads; the semaphore bounds how many run. */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(work -> {
        Thread thread = new Thread(work, "hivemind-argon2");
        thread.setDaemon(true);
        return thread;
    });

    private final Params params;
    private final SecureRandom random;
    private final int maxConcurrent;
    private final Semaphore permits;
    private final Consumer<Params> onDerive;
    private volatile String dummy;

    public PasswordHasher(Params params, SecureRandom random, int maxConcurrent) {
        this(params, random, maxConcurrent, p -> { });
    }

    /** {@code onDerive} runs inside the permit, on the deriving thread, just before every derivation: a seam for tests. */
    PasswordHasher(Params params, SecureRandom random, int maxConcurrent, Consumer<Params> onDerive) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
        }
        this.params = Objects.requireNonNull(params, "params");
        this.random = Objects.requireNonNull(random, "random");
        this.maxConcurrent = maxConcurrent;
        this.permits = new Semaphore(maxConcurrent, true);
        this.onDerive = Objects.requireNonNull(onDerive, "onDerive");
    }

    /**
     * {@link Params#DEFAULT}, and one concurrent hash fewer than there are processors (at
     * least one): a sign-in flood then leaves a processor for every other request, and more
     * hashes at once would only queue for CPU while holding their memory. Bounded by the heap as
     * well ({@link #concurrentFor}): the image's heap is small, and on a host with many cores a
     * burst of sign-ins must not take more of it than the rest of the server can spare.
     */
    public static PasswordHasher standard() {
        return new PasswordHasher(Params.DEFAULT, new SecureRandom(),
                concurrentFor(Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory(), Params.DEFAULT));
    }

    /** What the rest of the server is given of the heap before hashes may take any: live data, caches, requests. */
    static final long HEAP_KEPT_FOR_THE_REST = 40L * 1024 * 1024;

    /**
     * Hashes at once: one fewer than the processors, and no more than the heap beyond
     * {@link #HEAP_KEPT_FOR_THE_REST} holds at half of it (a derivation's memory is taken at
     * once and held while it runs, and the collector needs room to move it); always at least one.
     */
    static int concurrentFor(int processors, long maxHeapBytes, Params params) {
        long perHash = params.memoryKiB() * 1024L;
        long byHeap = Math.max(0, maxHeapBytes - HEAP_KEPT_FOR_THE_REST) / 2 / perHash;
        return (int) Math.max(1, Math.min(processors - 1L, byHeap));
    }

    public Params params() {
        return params;
    }

    /** A PHC string for {@code password} with the current parameters and a fresh random salt. */
    public String hash(String password) {
        Objects.requireNonNull(password, "password");
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] bytes = utf8(password);
        try {
            return encode(params, salt, derive(bytes, salt, params, HASH_BYTES));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Whether {@code password} matches {@code encoded}. A string that is not a well-formed
     * Argon2id v19 PHC string within the {@link Params} bounds is simply no match: it returns
     * {@code false} without throwing or logging, whatever is in the database row ({@code null}
     * included). A {@code null} password, by contrast, is a caller's bug and throws.
     */
    public boolean verify(String password, String encoded) {
        Objects.requireNonNull(password, "password");
        Encoded parsed = parse(encoded);
        if (parsed == null) {
            return false;
        }
        byte[] bytes = utf8(password);
        try {
            byte[] actual = derive(bytes, parsed.salt(), parsed.params(), parsed.hash().length);
            // Constant time: the response time must not reveal how many leading bytes matched.
            return MessageDigest.isEqual(actual, parsed.hash());
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Does the work of a {@link #verify} against a hash with the current parameters, and
     * discards the result. Login calls this when there is no user, no password or a disabled
     * account, so that those answers take as long as a wrong password and timing does not
     * tell an attacker which accounts exist. The dummy hash is made on first use, so only
     * the very first call in a process costs two derivations.
     */
    public void verifyDummy(String password) {
        verify(password, dummyHash());
    }

    /**
     * Whether {@code encoded} should be replaced by a fresh {@link #hash} after a successful
     * login: it uses less memory or fewer passes than the current parameters, or is not a
     * string this class can read at all.
     */
    public boolean needsRehash(String encoded) {
        Encoded parsed = parse(encoded);
        return parsed == null
                || parsed.params().memoryKiB() < params.memoryKiB()
                || parsed.params().iterations() < params.iterations();
    }

    int maxConcurrent() {
        return maxConcurrent;
    }

    /** Threads waiting for a derivation permit: lets tests observe the bound without timing. */
    int waitingForPermit() {
        return permits.getQueueLength();
    }

    /**
     * Plain Argon2id version 0x13 as RFC 9106 defines it, with the optional secret and
     * associated data (both unused by this class, {@code null} for none); package-private so
     * the RFC's known-answer test can run through the same code path as {@link #hash}.
     */
    static byte[] deriveRaw(byte[] password, byte[] salt, byte[] secret, byte[] associatedData, Params params, int hashLength) {
        Argon2Parameters.Builder builder = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(params.memoryKiB())
                .withIterations(params.iterations())
                .withParallelism(params.parallelism())
                .withSalt(salt);
        if (secret != null) {
            builder.withSecret(secret);
        }
        if (associatedData != null) {
            builder.withAdditional(associatedData);
        }
        Argon2Parameters argon2 = builder.build();
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(argon2);
            byte[] out = new byte[hashLength];
            generator.generateBytes(password, out);
            return out;
        } finally {
            argon2.clear();
        }
    }

    private byte[] derive(byte[] password, byte[] salt, Params with, int hashLength) {
        // Uninterruptible: verify must answer, and the wait is bounded by the hashes queued ahead.
        permits.acquireUninterruptibly();
        try {
            if (!Thread.currentThread().isVirtual()) {
                onDerive.accept(with);
                return deriveRaw(password, salt, null, null, with, hashLength);
            }
            // Tens of milliseconds of pure CPU would hold a virtual thread's carrier all along,
            // and there are only as many carriers as processors: a burst of sign-ins would
            // stall every other request. A platform thread does the work; this one parks.
            return await(WORKERS.submit(() -> {
                onDerive.accept(with);
                return deriveRaw(password, salt, null, null, with, hashLength);
            }));
        } finally {
            permits.release();
        }
    }

    private static byte[] await(Future<byte[]> work) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return work.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String dummyHash() {
        String result = dummy;
        if (result == null) {
            // No lock: two first callers may each make one, and either is as good. (A monitor
            // held through a derivation would also pin a virtual thread's carrier on Java 21.)
            byte[] password = new byte[HASH_BYTES];
            byte[] salt = new byte[SALT_BYTES];
            random.nextBytes(password); // a password nobody knows, so nothing submitted matches it
            random.nextBytes(salt);
            try {
                result = encode(params, salt, derive(password, salt, params, HASH_BYTES));
            } finally {
                Arrays.fill(password, (byte) 0);
            }
            dummy = result;
        }
        return result;
    }

    private static byte[] utf8(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFC).getBytes(StandardCharsets.UTF_8);
    }

    private static String encode(Params params, byte[] salt, byte[] hash) {
        return PREFIX + "m=" + params.memoryKiB() + ",t=" + params.iterations() + ",p=" + params.parallelism()
                + "$" + BASE64.encodeToString(salt) + "$" + BASE64.encodeToString(hash);
    }

    /** The parsed string, or {@code null} for anything but a canonical Argon2id v19 PHC string in bounds. */
    private static Encoded parse(String encoded) {
        if (encoded == null || encoded.length() > MAX_ENCODED_LENGTH || !encoded.startsWith(PREFIX)) {
            return null;
        }
        String[] fields = encoded.substring(PREFIX.length()).split("\\$", -1);
        if (fields.length != 3) {
            return null;
        }
        String[] costs = fields[0].split(",", -1);
        if (costs.length != 3) {
            return null;
        }
        int memory = decimal(costs[0], "m=");
        int iterations = decimal(costs[1], "t=");
        int parallelism = decimal(costs[2], "p=");
        if (!Params.inBounds(memory, iterations, parallelism)) {
            return null;
        }
        byte[] salt = base64(fields[1]);
        byte[] hash = base64(fields[2]);
        if (salt == null || salt.length < 8 || salt.length > 64 || hash == null || hash.length < 16 || hash.length > 64) {
            return null;
        }
        return new Encoded(new Params(memory, iterations, parallelism), salt, hash);
    }

    /** The number after {@code key}, or -1 unless it is 1 to 7 ASCII digits without a leading zero. */
    private static int decimal(String field, String key) {
        if (!field.startsWith(key)) {
            return -1;
        }
        String digits = field.substring(key.length());
        if (digits.isEmpty() || digits.length() > 7 || digits.charAt(0) == '0') {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * Unpadded standard base64, or {@code null}. Canonical only: the decoder would accept
     * padding and ignore stray low bits in the last character, so the bytes must re-encode
     * to exactly the input.
     */
    private static byte[] base64(String field) {
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!alphabet) {
                return null;
            }
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(field);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return BASE64.encodeToString(bytes).equals(field) ? bytes : null;
    }

    @Override
    public String toString() {
        return "PasswordHasher[argon2id " + params + "]";
    }
}
