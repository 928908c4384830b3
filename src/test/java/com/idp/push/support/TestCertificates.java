package com.idp.push.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority made at test time, and server certificates good or bad in one
 * chosen way: issued by another (untrusted) key, expired, or for another host name. With the CA in the
 * client's trust store, each bad certificate fails for exactly its own reason.
 */
public final class TestCertificates {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final KeyPair caKeys;
    private final X509Certificate ca;

    private TestCertificates() {
        this.caKeys = keyPair();
        this.ca = certificate("CN=idp-push test CA", caKeys, "CN=idp-push test CA", caKeys, null, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(1)), true);
    }

    public static TestCertificates create() {
        return new TestCertificates();
    }

    /** A valid certificate for 127.0.0.1, issued by the CA. */
    public SSLContext valid() {
        return server(ca, caKeys, new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(1)));
    }

    /** Right host, right dates, but self-signed: no trusted issuer. */
    public SSLContext selfSigned() {
        KeyPair keys = keyPair();
        X509Certificate self = certificate("CN=127.0.0.1", keys, "CN=127.0.0.1", keys,
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(1)), false);
        return context(keys.getPrivate(), self);
    }

    /** Issued by the CA for 127.0.0.1, but its validity ended yesterday. */
    public SSLContext expired() {
        return server(ca, caKeys, new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)));
    }

    /** Issued by the CA and current, but for another host. */
    public SSLContext wrongHost() {
        return server(ca, caKeys, new GeneralName(GeneralName.dNSName, "somewhere-else.example"),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(1)));
    }

    /** Writes a PKCS12 trust store holding the CA (password {@code changeit}), e.g. for javax.net.ssl.trustStore. */
    public Path writeTrustStore(Path file) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("idp-push-test-ca", ca);
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, PASSWORD);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private SSLContext server(X509Certificate issuer, KeyPair issuerKeys, GeneralName name, Instant from, Instant to) {
        KeyPair keys = keyPair();
        X509Certificate leaf = certificate(issuer.getSubjectX500Principal().getName(), issuerKeys, "CN=idp-push test server",
                keys, name, from, to, false);
        return context(keys.getPrivate(), leaf, issuer);
    }

    private static SSLContext context(PrivateKey key, Certificate... chain) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, PASSWORD, chain);
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate certificate(String issuer, KeyPair issuerKeys, String subject, KeyPair subjectKeys,
            GeneralName altName, Instant from, Instant to, boolean isCa) {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to), new X500Name(subject),
                    subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (altName != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altName));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
