package io.quantedge.mqtt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the broker connection from PEM files, as Mosquitto and most brokers' guides hand them
 * out: the CA that signs the broker, and optionally this gateway's certificate and key.
 */
public final class TlsContext {

    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN PRIVATE KEY-----(.*?)-----END PRIVATE KEY-----", Pattern.DOTALL);

    private TlsContext() {
    }

    /** A socket factory trusting {@code caFile} (or the JVM's defaults when empty), with a client key when given. */
    public static SSLSocketFactory socketFactory(String caFile, String certificateFile, String keyFile)
            throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caFile.isEmpty()) {
            trust.init((KeyStore) null);
        } else {
            KeyStore cas = KeyStore.getInstance("PKCS12");
            cas.load(null, null);
            int index = 0;
            for (Certificate ca : certificates(Path.of(caFile))) {
                cas.setCertificateEntry("ca-" + index++, ca);
            }
            trust.init(cas);
        }
        KeyManagerFactory keys = null;
        if (!certificateFile.isEmpty() || !keyFile.isEmpty()) {
            if (certificateFile.isEmpty() || keyFile.isEmpty()) {
                throw new GeneralSecurityException("a client certificate needs both clientCertificateFile and "
                        + "clientKeyFile");
            }
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            char[] none = new char[0];
            identity.setKeyEntry("client", privateKey(Path.of(keyFile)), none,
                    certificates(Path.of(certificateFile)).toArray(new Certificate[0]));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(identity, none);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));
        if (read.isEmpty()) {
            throw new GeneralSecurityException(file + " holds no PEM certificate");
        }
        return new ArrayList<>(read);
    }

    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        Matcher pem = PRIVATE_KEY.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!pem.find()) {
            throw new GeneralSecurityException(file + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert "
                    + "it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem.group(1)));
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException(file + ": not an RSA, EC or Ed25519 key", last);
    }
}
