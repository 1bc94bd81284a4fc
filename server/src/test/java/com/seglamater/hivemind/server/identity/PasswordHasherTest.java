package com.seglamater.hivemind.server.identity;

import com.seglamater.hivemind.server.identity.PasswordHasher.Params;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHasherTest {

    /** Cheap parameters: the tests are about format and logic, not cost. */
    private static final Params FAST = new Params(64, 1, 1);

    private static final String PASSWORD = "correct horse battery staple";

    /*
     * Made by the reference implementation's CLI (Debian package argon2 0~20171227-0.3+deb12u1,
     * from github.com/P-H-C/phc-winner-argon2), salt "hivemind-salt-16":
     *   printf 'correct horse battery staple' | argon2 hivemind-salt-16 -id -k 64 -t 1 -p 1 -l 32 -e
     */
    private static final String CLI_FAST =
            "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw";
    /* Same, with -k 19456 -t 2 -p 1: the OWASP setting. */
    private static final String CLI_DEFAULT =
            "$argon2id$v=19$m=19456,t=2,p=1$aGl2ZW1pbmQtc2FsdC0xNg$i2GRlnBkrwY2BX8k/xEDB/aF9KDFCaRdERf10mFM7yE";
    /* Same CLI, -k 64 -t 1 -p 2, password "pässwörd für Hivemind" as NFC UTF-8 bytes (printf with \xc3\xa4 etc.). */
    private static final String CLI_UMLAUTS_TWO_LANES =
            "$argon2id$v=19$m=64,t=1,p=2$aGl2ZW1pbmQtc2FsdC0xNg$eozTCAuWOxSylAWbRrVTEhg+AVCiC1zMDA6Hv2QRcXA";
    /* Same CLI, -i instead of -id: a genuine Argon2i string that must be refused, not verified. */
    private static final String CLI_ARGON2I =
            "$argon2i$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$DAm3uM9fU6ZchHQ3xyVSGFlneLIgt2CC7ntjtZIz2Ig";

    private final PasswordHasher fast = new PasswordHasher(FAST, new SecureRandom(), 4);

    @Test
    void derivationMatchesTheRfc9106Argon2idTestVector() {
        // RFC 9106 section 5.3: the only vector that exercises secret and associated data too.
        byte[] password = filled(32, 0x01);
        byte[] salt = filled(16, 0x02);
        byte[] secret = filled(8, 0x03);
        byte[] associatedData = filled(12, 0x04);
        byte[] tag = PasswordHasher.deriveRaw(password, salt, secret, associatedData, new Params(32, 3, 4), 32);
        assertThat(HexFormat.of().formatHex(tag))
                .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    @Test
    void withTheSameSaltTheStringIsByteForByteWhatTheReferenceImplementationWrites() {
        PasswordHasher hasher = new PasswordHasher(FAST, fixedSalt("hivemind-salt-16"), 1);
        assertThat(hasher.hash(PASSWORD)).isEqualTo(CLI_FAST);
    }

    @Test
    void theOwaspDefaultMatchesTheReferenceImplementationAndNeedsNoRehash() {
        // The one test at full cost: proves DEFAULT is really m=19456,t=2,p=1 end to end.
        PasswordHasher hasher = new PasswordHasher(Params.DEFAULT, fixedSalt("hivemind-salt-16"), 1);
        assertThat(hasher.hash(PASSWORD)).isEqualTo(CLI_DEFAULT);
        assertThat(hasher.verify(PASSWORD, CLI_DEFAULT)).isTrue();
        assertThat(hasher.needsRehash(CLI_DEFAULT)).isFalse();
        assertThat(PasswordHasher.standard().params()).isEqualTo(new Params(19_456, 2, 1));
    }

    @Test
    void hashesFromAnotherImplementationVerifyWithTheirOwnParameters() {
        assertThat(fast.verify(PASSWORD, CLI_FAST)).isTrue();
        // p=2 and m differ from the hasher's own: verification follows the stored string.
        PasswordHasher other = new PasswordHasher(new Params(128, 2, 1), new SecureRandom(), 1);
        assertThat(other.verify("p\u00e4ssw\u00f6rd f\u00fcr Hivemind", CLI_UMLAUTS_TWO_LANES)).isTrue();
        assertThat(other.verify("passwort fur Hivemind", CLI_UMLAUTS_TWO_LANES)).isFalse();
    }

    @Test
    void aHashVerifiesItsPasswordAndNothingElse() {
        String encoded = fast.hash(PASSWORD);
        assertThat(encoded).matches("\\$argon2id\\$v=19\\$m=64,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(fast.verify(PASSWORD, encoded)).isTrue();
        assertThat(fast.verify(PASSWORD + " ", encoded)).isFalse();
        assertThat(fast.verify("Correct horse battery staple", encoded)).isFalse();
        assertThat(fast.verify("", encoded)).isFalse();
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTimeBecauseOfTheSalt() {
        String first = fast.hash(PASSWORD);
        String second = fast.hash(PASSWORD);
        assertThat(first).isNotEqualTo(second);
        assertThat(salt(first)).isNotEqualTo(salt(second));
        assertThat(fast.verify(PASSWORD, first)).isTrue();
        assertThat(fast.verify(PASSWORD, second)).isTrue();
    }

    @Test
    void composedAndDecomposedAccentsAreTheSamePassword() {
        String composed = "caf\u00e9 au lait, s'il vous pla\u00eet";
        String decomposed = "cafe\u0301 au lait, s'il vous plai\u0302t";
        assertThat(composed).isNotEqualTo(decomposed);
        assertThat(fast.verify(decomposed, fast.hash(composed))).isTrue();
        assertThat(fast.verify(composed, fast.hash(decomposed))).isTrue();
        // The reference CLI was given the composed bytes; typing it decomposed still matches.
        assertThat(fast.verify("pa\u0308ssw\u00f6rd fu\u0308r Hivemind", CLI_UMLAUTS_TWO_LANES)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            CLI_ARGON2I,
            "$argon2d$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2ID$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=16$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            // no version: the reference implementation reads that as v=16
            "$argon2id$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            // m below 8*p, m above 1 GiB, t and p outside 1..16
            "$argon2id$v=19$m=7,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=64,t=1,p=9$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=1048577,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=99999999999,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=64,t=0,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=64,t=17,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=256,t=1,p=0$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=256,t=1,p=17$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            // numbers that are not plain decimals, parameters out of order or missing or extra
            "$argon2id$v=19$m=064,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=+64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=-64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=6４,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$t=1,m=64,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=64,t=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=64,t=1,p=1,keyid=abc$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=64, t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            // base64 that is not the unpadded standard alphabet, or not canonical
            "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg==$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ-zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMM!",
            "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNh$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            // missing and extra parts
            "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg",
            "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$",
            "$argon2id$v=19$m=64,t=1,p=1$$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw$",
            "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw$extra",
            "argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            " $argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw\n",
            // salt of 7 bytes, hash truncated to 15 bytes
            "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysaoNghnHtIPMMw",
            "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3cc",
            "",
            "not a hash at all",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
    })
    void anyTamperedOrForeignStringIsNoMatchRatherThanAnError(String encoded) {
        // The control: the untampered string does verify, so false below means "refused".
        assertThat(fast.verify(PASSWORD, CLI_FAST)).isTrue();
        // Returning at all proves no exception; the stored row is data, never a crash.
        assertThat(fast.verify(PASSWORD, encoded)).isFalse();
        // Unreadable means "replace it", should the password ever verify some other way.
        assertThat(fast.needsRehash(encoded)).isTrue();
    }

    @Test
    void aTruncatedOrExtendedHashIsWellFormedButNoMatch() {
        // 24 and 33 bytes are within the 16..64 bounds, so these parse; the comparison refuses them.
        String truncated = "$argon2id$v=19$m=64,t=1,p=1$aGl2ZW1pbmQtc2FsdC0xNg$c5EwUQ+zloJBRJo3BV3ccX4kIvLzysao";
        String extended = CLI_FAST + "A";
        assertThat(fast.verify(PASSWORD, truncated)).isFalse();
        assertThat(fast.verify(PASSWORD, extended)).isFalse();
    }

    @Test
    void aNullOrHugeStoredValueIsNoMatch() {
        assertThat(fast.verify(PASSWORD, null)).isFalse();
        assertThat(fast.verify(PASSWORD, CLI_FAST + "A".repeat(1_000_000))).isFalse();
        assertThat(fast.needsRehash(null)).isTrue();
    }

    @Test
    void needsRehashWhenStoredParametersAreWeakerThanTheCurrentOnes() {
        PasswordHasher current = new PasswordHasher(new Params(128, 2, 1), new SecureRandom(), 1);
        PasswordHasher lessMemory = new PasswordHasher(new Params(64, 2, 1), new SecureRandom(), 1);
        PasswordHasher fewerPasses = new PasswordHasher(new Params(128, 1, 1), new SecureRandom(), 1);
        PasswordHasher stronger = new PasswordHasher(new Params(256, 3, 1), new SecureRandom(), 1);
        assertThat(current.needsRehash(lessMemory.hash(PASSWORD))).isTrue();
        assertThat(current.needsRehash(fewerPasses.hash(PASSWORD))).isTrue();
        assertThat(current.needsRehash(current.hash(PASSWORD))).isFalse();
        assertThat(current.needsRehash(stronger.hash(PASSWORD))).isFalse();
    }

    @Test
    void verifyDummyDerivesWithTheCurrentParametersLikeARealVerify() {
        List<Params> derivations = new ArrayList<>();
        Params current = new Params(96, 2, 2);
        PasswordHasher hasher = new PasswordHasher(current, new SecureRandom(), 1, derivations::add);

        hasher.verifyDummy(PASSWORD);
        // The first call also makes the dummy hash, once.
        assertThat(derivations).containsExactly(current, current);

        derivations.clear();
        hasher.verifyDummy("anything else");
        // From then on a dummy costs what a failed login against a real user costs.
        assertThat(derivations).containsExactly(current);

        String real = hasher.hash(PASSWORD);
        derivations.clear();
        assertThat(hasher.verify("wrong password", real)).isFalse();
        assertThat(derivations).containsExactly(current);
    }

    @Test
    void withOnePermitASecondHashWaitsUntilTheFirstIsDone() throws Exception {
        AtomicInteger active = new AtomicInteger();
        AtomicInteger mostActive = new AtomicInteger();
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Consumer<Params> blockUntilReleased = p -> {
            mostActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            firstInside.countDown();
            awaitFailsafe(release);
            active.decrementAndGet();
        };
        PasswordHasher hasher = new PasswordHasher(FAST, new SecureRandom(), 1, blockUntilReleased);

        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = threads.submit(() -> hasher.hash("first password"));
            assertThat(firstInside.await(30, TimeUnit.SECONDS)).isTrue();
            Future<String> second = threads.submit(() -> hasher.hash("second password"));
            // Observe the second thread parked on the semaphore (or, were the bound broken, inside
            // the derivation alongside the first) rather than guessing with a sleep.
            awaitFailsafe(() -> hasher.waitingForPermit() == 1 || active.get() > 1);
            assertThat(active).hasValue(1);
            assertThat(hasher.waitingForPermit()).isEqualTo(1);
            assertThat(second).isNotDone();

            release.countDown();
            assertThat(hasher.verify("first password", first.get(30, TimeUnit.SECONDS))).isTrue();
            assertThat(hasher.verify("second password", second.get(30, TimeUnit.SECONDS))).isTrue();
            assertThat(mostActive).hasValue(1);
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void withTwoPermitsTwoHashesRunTogether() throws Exception {
        // The control for the test above: the seam does see overlap when the bound allows it.
        CountDownLatch bothInside = new CountDownLatch(2);
        AtomicInteger met = new AtomicInteger();
        Consumer<Params> meet = p -> {
            bothInside.countDown();
            awaitFailsafe(bothInside);
            met.incrementAndGet();
        };
        PasswordHasher hasher = new PasswordHasher(FAST, new SecureRandom(), 2, meet);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = threads.submit(() -> hasher.hash("first password"));
            Future<String> second = threads.submit(() -> hasher.hash("second password"));
            first.get(30, TimeUnit.SECONDS);
            second.get(30, TimeUnit.SECONDS);
            assertThat(bothInside.getCount()).isZero();
            assertThat(met).hasValue(2);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void refusesParametersAndBoundsThatMakeNoSense() {
        assertThatThrownBy(() -> new Params(7, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Params(64, 1, 9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Params(64, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Params(1_048_577, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher(FAST, new SecureRandom(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringShowsParametersOnly() {
        assertThat(fast.toString()).isEqualTo("PasswordHasher[argon2id Params[memoryKiB=64, iterations=1, parallelism=1]]");
    }

    private static String salt(String encoded) {
        return encoded.split("\\$")[4];
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** A SecureRandom that always yields the same salt, to compare output with another implementation's. */
    private static SecureRandom fixedSalt(String salt) {
        byte[] bytes = salt.getBytes(StandardCharsets.US_ASCII);
        return new SecureRandom() {
            @Override
            public void nextBytes(byte[] out) {
                assertThat(out).hasSameSizeAs(bytes);
                System.arraycopy(bytes, 0, out, 0, out.length);
            }
        };
    }

    /** Waits for the latch; the timeout only keeps a broken build from hanging, it asserts nothing about speed. */
    private static void awaitFailsafe(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not reached");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void awaitFailsafe(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aDerivationAskedForOnAVirtualThreadRunsOnAPlatformThread() throws Exception {
        java.util.List<Boolean> virtual = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        PasswordHasher hasher = new PasswordHasher(new Params(64, 1, 1), new java.security.SecureRandom(), 1,
                p -> virtual.add(Thread.currentThread().isVirtual()));
        java.util.concurrent.atomic.AtomicBoolean verified = new java.util.concurrent.atomic.AtomicBoolean();
        Thread caller = Thread.ofVirtual().start(() -> verified.set(hasher.verify("pw", hasher.hash("pw"))));
        caller.join(10_000);
        assertThat(caller.isAlive()).isFalse();
        assertThat(verified).isTrue();
        assertThat(virtual).containsExactly(false, false);
    }

    @Test
    void theStandardHasherLeavesAProcessorForOtherRequests() {
        int processors = Runtime.getRuntime().availableProcessors();
        PasswordHasher standard = PasswordHasher.standard();
        assertThat(standard.toString()).contains("19456");
        assertThat(maxConcurrent(standard)).isEqualTo(Math.max(1, processors - 1));
    }

    private static int maxConcurrent(PasswordHasher hasher) {
        return hasher.maxConcurrent();
    }

    @Test
    void concurrentHashesAreBoundedByTheHeapAsWellAsTheProcessors() {
        long mib = 1024L * 1024;
        // A 96 MiB heap on a host with many cores: one at a time (two would need 38 MiB of the 28 that half of 96 - 40 leaves).
        assertThat(PasswordHasher.concurrentFor(16, 96 * mib, Params.DEFAULT)).isEqualTo(1);
        // A larger heap allows more, up to one fewer than the processors.
        assertThat(PasswordHasher.concurrentFor(16, 512 * mib, Params.DEFAULT)).isEqualTo(12);
        assertThat(PasswordHasher.concurrentFor(4, 2048 * mib, Params.DEFAULT)).isEqualTo(3);
        // Never none: one processor, or a heap smaller than what the rest keeps.
        assertThat(PasswordHasher.concurrentFor(1, 2048 * mib, Params.DEFAULT)).isEqualTo(1);
        assertThat(PasswordHasher.concurrentFor(16, 32 * mib, Params.DEFAULT)).isEqualTo(1);
        // What the server runs with here stays within both bounds.
        int standard = PasswordHasher.concurrentFor(Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory(), Params.DEFAULT);
        assertThat(standard).isBetween(1, Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
    }
}
