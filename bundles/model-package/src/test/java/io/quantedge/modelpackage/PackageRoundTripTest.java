package io.quantedge.modelpackage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageException.Code;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.VerifiedPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen, package, verify: a package made with a key is accepted exactly when the key is trusted. */
class PackageRoundTripTest {

    @TempDir
    Path work;

    private TestPackages fixture;

    @BeforeEach
    void keys() throws Exception {
        fixture = new TestPackages(work);
    }

    @Test
    void keygenWritesAnOwnerOnlyPrivateKeyAndAPublicKeyThatSignAndVerifyTogether() throws Exception {
        Path prefix = work.resolve("keys/release");
        Files.createDirectories(prefix.getParent());
        String keyId = KeyFiles.generate(prefix);

        Path privateKey = work.resolve("keys/release.key");
        Path publicKey = work.resolve("keys/release.pub");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(publicKey)));
        assertTrue(Files.readString(privateKey).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(Files.readString(publicKey).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        assertEquals(keyId, KeyFiles.keyId(KeyFiles.readPrivateKey(privateKey)));
        assertEquals(keyId, TrustedKeys.load(work.resolve("keys")).byId().keySet().iterator().next());
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> KeyFiles.generate(prefix));
    }

    @Test
    void aPackageSignedWithATrustedKeyOpensWithEveryFileIntact() throws Exception {
        Path file = fixture.write("fashion-1.qmp", "1");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "a package is for sharing, unlike the temporary file it was written as");
        Path target = work.resolve("store/fashion-1");
        Files.createDirectories(target.getParent());

        VerifiedPackage opened = fixture.packages().open(file, target);

        PackageManifest manifest = opened.manifest();
        assertEquals("fashion", manifest.name());
        assertEquals("1", manifest.version());
        assertEquals(Optional.of(fixture.keyId()), opened.signer());
        assertArrayEquals(Files.readAllBytes(TestPackages.CNN), Files.readAllBytes(opened.model()));
        assertEquals(TestPackages.FASHION_LABELS, Files.readAllLines(opened.file("labels.txt")));
        assertEquals(Files.size(TestPackages.CNN), manifest.modelFile().size());
        assertEquals(List.of("labels.txt", "manifest.json", "manifest.sig", "model.onnx"), TestPackages.listing(target));
        assertEquals(opened, fixture.packages().reopen(target));
    }

    @Test
    void theSameContentsAndKeyGiveTheSameBytes() throws Exception {
        Path first = fixture.write("a.qmp", "1");
        Path second = fixture.write("b.qmp", "1");
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
        assertEquals(List.of("a.qmp", "b.qmp", "labels.txt", "trusted-keys", "trusted-keys/release.pub"),
                TestPackages.listing(work), "no temporary file is left beside the package");
    }

    @Test
    void aKeyIsTrustedOnceItsPublicKeyFileIsInTheFolder() throws Exception {
        Path untrustedDir = Files.createDirectories(work.resolve("other-keys"));
        PackageFiles gateway = PackageFiles.trusting(untrustedDir);
        Path file = fixture.write("fashion-1.qmp", "1");

        PackageException refused = assertThrows(PackageException.class, () -> gateway.open(file, work.resolve("x")));
        assertEquals(Code.UNTRUSTED_SIGNATURE, refused.code());
        assertTrue(refused.getMessage().contains(fixture.keyId()), refused.getMessage());
        assertTrue(refused.getMessage().contains(untrustedDir.toString()), refused.getMessage());

        Files.copy(fixture.trustedKeys.resolve("release.pub"), untrustedDir.resolve("release.pub"));
        assertEquals(Optional.of(fixture.keyId()), gateway.open(file, work.resolve("x")).signer());
    }

    @Test
    void aBrokenFileAmongTheTrustedKeysDoesNotStopTheOthers() throws Exception {
        Files.writeString(fixture.trustedKeys.resolve("broken.pub"), "not a key");
        TrustedKeys keys = TrustedKeys.load(fixture.trustedKeys);
        assertEquals(1, keys.byId().size());
        assertEquals(1, keys.problems().size(), keys.problems().toString());
        assertTrue(fixture.packages().open(fixture.write("f.qmp", "1"), work.resolve("x")).signer().isPresent());
    }

    @Test
    void unsignedPackagesOpenOnlyWhenAllowed() throws Exception {
        Path file = work.resolve("unsigned.qmp");
        fixture.packages().write(fixture.contents("1"), Optional.empty(), file);
        assertFalse(TestPackages.entries(file).containsKey("manifest.sig"));

        PackageException refused = assertThrows(PackageException.class,
                () -> fixture.packages().open(file, work.resolve("x")));
        assertEquals(Code.UNSIGNED, refused.code());
        assertFalse(Files.exists(work.resolve("x")));

        VerifiedPackage opened = fixture.packages().allowingUnsigned().open(file, work.resolve("x"));
        assertEquals(Optional.empty(), opened.signer());
    }

    @Test
    void keysMadeByOpensslSignPackagesToo() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Path pem = work.resolve("openssl.key");
        Process openssl = new ProcessBuilder("/usr/bin/openssl", "genpkey", "-algorithm", "ed25519", "-out",
                pem.toString()).inheritIO().start();
        assertTrue(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0);
        PrivateKey key = KeyFiles.readPrivateKey(pem);
        Files.writeString(fixture.trustedKeys.resolve("openssl.pub"),
                PemKeys.publicKeyPem(Ed25519.publicKeyOf(key)));

        Path file = work.resolve("openssl.qmp");
        fixture.packages().write(fixture.contents("1"), Optional.of(key), file);
        assertEquals(Optional.of(KeyFiles.keyId(key)), fixture.packages().open(file, work.resolve("x")).signer());
    }

    @Test
    void extraFilesInSubfoldersAreExtractedWhereTheManifestSays() throws Exception {
        Path extra = Files.writeString(work.resolve("notes.md"), "# notes\n");
        Path file = work.resolve("extra.qmp");
        fixture.packages().write(fixture.contents("2", Map.of("docs/notes.md", extra)), Optional.of(fixture.privateKey()),
                file);
        VerifiedPackage opened = fixture.packages().open(file, work.resolve("x"));
        assertEquals("# notes\n", Files.readString(opened.file("docs/notes.md")));
        assertEquals(work.resolve("x/docs/notes.md"), opened.file("docs/notes.md"));
    }
}
