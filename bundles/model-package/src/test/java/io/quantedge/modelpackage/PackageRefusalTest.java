package io.quantedge.modelpackage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageException.Code;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a package can be wrong or hostile is refused with its own code, before anything is
 * written or with everything written removed again: the folder it was to be extracted to does
 * not exist afterwards, and nothing else appeared anywhere.
 */
class PackageRefusalTest {

    @TempDir
    Path work;

    private TestPackages fixture;
    private Path store;
    private Map<String, byte[]> good;

    @BeforeEach
    void goodPackage() throws Exception {
        fixture = new TestPackages(work);
        store = Files.createDirectories(work.resolve("store"));
        good = TestPackages.entries(fixture.write("good.qmp", "1"));
        assertEquals(List.of("manifest.json", "manifest.sig", "model.onnx", "labels.txt"), List.copyOf(good.keySet()));
    }

    @Test
    void aManifestChangedAfterSigningHasABadSignature() throws Exception {
        Map<String, byte[]> entries = copy(good);
        entries.put("manifest.json", text(good.get("manifest.json")).replace("\"version\": \"1\"", "\"version\": \"9\"")
                .getBytes(StandardCharsets.UTF_8));
        assertRefused(zip(entries), Code.BAD_SIGNATURE, "changed after it was signed");
    }

    @Test
    void aFileChangedAfterPackagingFailsItsHashOrSize() throws Exception {
        Map<String, byte[]> sameSize = copy(good);
        byte[] model = good.get("model.onnx").clone();
        model[model.length / 2] ^= 1;
        sameSize.put("model.onnx", model);
        assertRefused(zip(sameSize), Code.HASH_MISMATCH, "model.onnx has SHA-256");

        Map<String, byte[]> longer = copy(good);
        longer.put("labels.txt", (text(good.get("labels.txt")) + "Hat\n").getBytes(StandardCharsets.UTF_8));
        assertRefused(zip(longer), Code.SIZE_MISMATCH, "labels.txt is larger");

        Map<String, byte[]> shorter = copy(good);
        shorter.put("labels.txt", Arrays.copyOf(good.get("labels.txt"), 10));
        assertRefused(zip(shorter), Code.SIZE_MISMATCH, "labels.txt has 10 bytes");
    }

    @Test
    void unsignedAndUntrustedPackagesAreRefused() throws Exception {
        Map<String, byte[]> unsigned = copy(good);
        unsigned.remove("manifest.sig");
        assertRefused(zip(unsigned), Code.UNSIGNED, "not signed");

        Map<String, byte[]> stranger = copy(good);
        java.security.KeyPair other = Ed25519.generate();
        stranger.put("manifest.sig", new ManifestSignature(other.getPublic(),
                Ed25519.sign(other.getPrivate(), good.get("manifest.json"))).toJson());
        assertRefused(zip(stranger), Code.UNTRUSTED_SIGNATURE, Ed25519.keyId(other.getPublic()));

        Map<String, byte[]> garbage = copy(good);
        garbage.put("manifest.sig", "{\"algorithm\": \"Ed25519\", \"publicKey\": \"AA==\", \"signature\": \"AA==\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertRefused(zip(garbage), Code.BAD_SIGNATURE, "no valid Ed25519 key");
    }

    @Test
    void signedManifestsWithUnknownFieldsOrBrokenJsonAreRefused() throws Exception {
        assertRefused(withSignedManifest(text(good.get("manifest.json")).replace("\"format\": 1,",
                "\"format\": 1,\n  \"postInstall\": \"rm -rf /\",")), Code.UNKNOWN_FIELD, "postInstall");
        assertRefused(withSignedManifest("{\"format\": 1, \"name\": "), Code.MALFORMED, "not valid JSON");
    }

    @Test
    void listedFilesMustBeThereAndNothingElseMay() throws Exception {
        Map<String, byte[]> missing = copy(good);
        missing.remove("labels.txt");
        assertRefused(zip(missing), Code.MISSING_FILE, "labels.txt");

        Map<String, byte[]> extra = copy(good);
        extra.put("run-me.sh", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        assertRefused(zip(extra), Code.UNEXPECTED_ENTRY, "run-me.sh");

        Map<String, byte[]> noManifest = copy(good);
        noManifest.remove("manifest.json");
        assertRefused(zip(noManifest), Code.MALFORMED, "no manifest.json");
    }

    @Test
    void twoEntriesWithTheSameNameAreRefused() throws Exception {
        // ZipOutputStream will not write a name twice, so write "labelsXtxt" and rename it in the bytes.
        Map<String, byte[]> entries = copy(good);
        entries.put("labelsXtxt", "evil\n".getBytes(StandardCharsets.UTF_8));
        byte[] zip = Files.readAllBytes(zip(entries));
        byte[] from = "labelsXtxt".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + from.length <= zip.length; i++) {
            if (Arrays.equals(zip, i, i + from.length, from, 0, from.length)) {
                zip[i + 6] = '.';
            }
        }
        Path duplicate = Files.write(work.resolve("duplicate.qmp"), zip);
        assertRefused(duplicate, Code.DUPLICATE_ENTRY, "labels.txt");
    }

    @Test
    void entriesThatWouldLeaveTheFolderAreRefused() throws Exception {
        for (String name : List.of("../evil.txt", "../../evil.txt", "/tmp/evil.txt", "a/../../evil.txt", "a\\..\\evil.txt",
                "./evil.txt")) {
            Map<String, byte[]> entries = copy(good);
            entries.put(name, "evil\n".getBytes(StandardCharsets.UTF_8));
            assertRefused(zip(entries), Code.UNSAFE_ENTRY, name);
        }
        assertFalse(Files.exists(Path.of("/tmp/evil.txt")) && Files.size(Path.of("/tmp/evil.txt")) == 5,
                "nothing was written outside the store");

        // The same path listed in a properly signed manifest, with the entry in the zip.
        Map<String, byte[]> listed = copy(good);
        listed.remove("labels.txt");
        listed.put("../labels.txt", good.get("labels.txt"));
        String manifest = text(good.get("manifest.json")).replace("\"path\": \"labels.txt\"", "\"path\": \"../labels.txt\"")
                .replace("\"labels\": \"labels.txt\"", "\"labels\": \"../labels.txt\"");
        listed.put("manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
        listed.put("manifest.sig", fixture.signature(listed.get("manifest.json")));
        assertRefused(zip(listed), Code.UNSAFE_ENTRY, "../labels.txt");

        // Listed in the signed manifest, but not in the zip: the manifest's own check.
        listed.remove("../labels.txt");
        assertRefused(zip(listed), Code.UNSAFE_ENTRY, "../labels.txt");
    }

    @Test
    void aHighlyCompressibleFileIsRefusedAsAZipBombWhileItIsStreamed() throws Exception {
        Path zeros = Files.write(work.resolve("zeros.bin"), new byte[16 << 20]);
        Path bomb = work.resolve("bomb.qmp");
        fixture.packages().write(fixture.contents("1", Map.of("weights.bin", zeros)), Optional.of(fixture.privateKey()),
                bomb);
        assertTrue(Files.size(bomb) < (1 << 20), "16 MiB of zeros compress to " + Files.size(bomb));
        assertRefused(bomb, Code.TOO_LARGE, "zip bomb");
    }

    @Test
    void aFileLargerThanItsManifestSaysIsCutOffAtTheDeclaredSize() throws Exception {
        // The manifest is signed and honest about 100 bytes; the entry inflates to 64 MiB of zeros.
        Map<String, byte[]> entries = copy(good);
        String manifest = text(good.get("manifest.json"));
        Path hundred = Files.write(work.resolve("small.bin"), new byte[100]);
        String sha = Sha256.of(hundred);
        manifest = manifest.replace("\"files\": [", "\"files\": [\n    {\"path\": \"small.bin\", \"sha256\": \"" + sha
                + "\", \"size\": 100},");
        entries.put("manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
        entries.put("manifest.sig", fixture.signature(entries.get("manifest.json")));
        entries.put("small.bin", new byte[64 << 20]);
        assertRefused(zip(entries), Code.SIZE_MISMATCH, "small.bin is larger than the 100 bytes");
    }

    @Test
    void packagesBeyondTheConfiguredLimitsAreRefusedBeforeExtracting() throws Exception {
        Path file = fixture.write("limits.qmp", "1");
        PackageFiles fewEntries = new PackageFiles(fixture.trustedKeys, false, new PackageLimits(3, 1 << 30, 1 << 30, 100),
                p -> { });
        assertRefused(fewEntries, file, Code.TOO_LARGE, "4 entries");
        PackageFiles smallFiles = new PackageFiles(fixture.trustedKeys, false, new PackageLimits(10, 100_000, 1 << 30, 100),
                p -> { });
        assertRefused(smallFiles, file, Code.TOO_LARGE, "model.onnx has");
        PackageFiles smallTotal = new PackageFiles(fixture.trustedKeys, false,
                new PackageLimits(10, 1 << 30, Files.size(TestPackages.CNN), 100), p -> { });
        assertRefused(smallTotal, file, Code.TOO_LARGE, "in all");
    }

    @Test
    void aTruncatedPackageIsMalformedWhereverItIsCut() throws Exception {
        byte[] bytes = Files.readAllBytes(fixture.write("whole.qmp", "1"));
        for (int cut : new int[] {0, 10, 100, bytes.length / 3, bytes.length / 2, bytes.length - 200, bytes.length - 22,
            bytes.length - 1}) {
            Path cutShort = Files.write(work.resolve("cut.qmp"), Arrays.copyOf(bytes, cut));
            assertRefused(cutShort, Code.MALFORMED, "");
        }
    }

    @Test
    void aFileThatIsNotAZipIsMalformed() throws Exception {
        Path onnx = Files.copy(TestPackages.CNN, work.resolve("model.qmp"));
        assertRefused(onnx, Code.MALFORMED, "not a complete zip");
    }

    private Path zip(Map<String, byte[]> entries) throws Exception {
        return TestPackages.zip(Files.createTempFile(work, "crafted", ".qmp"), entries);
    }

    private Path withSignedManifest(String manifest) throws Exception {
        Map<String, byte[]> entries = copy(good);
        entries.put("manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
        entries.put("manifest.sig", fixture.signature(entries.get("manifest.json")));
        return zip(entries);
    }

    private void assertRefused(Path file, Code code, String messagePart) throws Exception {
        assertRefused(fixture.packages(), file, code, messagePart);
    }

    private void assertRefused(PackageFiles packages, Path file, Code code, String messagePart) throws Exception {
        List<String> before = TestPackages.listing(work);
        Path target = store.resolve("fashion-1");
        PackageException e = assertThrows(PackageException.class, () -> packages.open(file, target));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertTrue(e.getMessage().startsWith(code + ": "), e.getMessage());
        assertFalse(Files.exists(target), "the target folder was removed");
        assertEquals(before, TestPackages.listing(work), "nothing was left behind");
    }

    private static Map<String, byte[]> copy(Map<String, byte[]> entries) {
        return new LinkedHashMap<>(entries);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
