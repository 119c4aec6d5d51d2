package io.vigil.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by the openssl CLI at test time in one directory: CAs, certificates they sign, and keys in
 * the forms operators have them (PKCS#8 plain or encrypted, OpenSSL's traditional form, combined with the
 * certificate). Files are named {@code <name>.pem} (certificate) and {@code <name>.key} (key). Shared by the
 * tests of every module that speaks TLS.
 */
public final class TestCertificates {

    /** The password of the encrypted keys made here. */
    public static final String KEY_PASSWORD = "s3cret";

    public final Path dir;

    public TestCertificates(Path dir) {
        this.dir = dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** A self-signed CA {@code name}.pem / .key. */
    public TestCertificates ca(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + name);
        return this;
    }

    /** A certificate for 127.0.0.1 and localhost (server and client use), signed by {@code ca}. */
    public TestCertificates server(String name, String ca) throws Exception {
        return signed(name, name, ca, "subjectAltName=IP:127.0.0.1,DNS:localhost");
    }

    /** A certificate with common name {@code commonName} and no host names, signed by {@code ca}. */
    public TestCertificates client(String name, String commonName, String ca) throws Exception {
        return signed(name, commonName, ca, null);
    }

    /** Like {@link #client}, but it expired a day before it was made. */
    public TestCertificates expiredClient(String name, String commonName, String ca) throws Exception {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", name + ".key");
        return sign(name, commonName, ca, null, -1);
    }

    /** An RSA certificate (its key in OpenSSL's traditional PKCS#1 form) for 127.0.0.1 and localhost. */
    public TestCertificates rsaServer(String name, String ca) throws Exception {
        openssl("genrsa", "-traditional", "-out", name + ".key", "2048");
        return sign(name, name, ca, "subjectAltName=IP:127.0.0.1,DNS:localhost", 2);
    }

    private TestCertificates signed(String name, String commonName, String ca, String extensions) throws Exception {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", name + ".key");
        return sign(name, commonName, ca, extensions, 2);
    }

    private TestCertificates sign(String name, String commonName, String ca, String extensions, int days)
            throws Exception {
        openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        List<String> sign = new ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem",
                "-CAkey", ca + ".key", "-CAcreateserial", "-out", name + ".pem", "-days", Integer.toString(days)));
        if (extensions != null) {
            Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
            sign.addAll(List.of("-extfile", name + ".ext"));
        }
        openssl(sign.toArray(String[]::new));
        return this;
    }

    /** {@code name}.key as encrypted PKCS#8 (PBES2, AES-256) with {@link #KEY_PASSWORD}, in {@code target}. */
    public TestCertificates encryptedPkcs8(String name, String target) throws Exception {
        openssl("pkcs8", "-topk8", "-in", name + ".key", "-out", target, "-v2", "aes-256-cbc",
                "-passout", "pass:" + KEY_PASSWORD);
        return this;
    }

    /** {@code name}.key in OpenSSL's traditional encrypted form ({@code DEK-Info}, AES-128) in {@code target}. */
    public TestCertificates encryptedTraditional(String name, String target) throws Exception {
        openssl("pkey", "-in", name + ".key", "-traditional", "-aes128", "-passout", "pass:" + KEY_PASSWORD,
                "-out", target);
        return this;
    }

    /** The files {@code parts} one after the other in {@code target}, e.g. a combined key and certificate. */
    public TestCertificates concat(String target, String... parts) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String part : parts) {
            text.append(Files.readString(dir.resolve(part), StandardCharsets.US_ASCII));
        }
        Files.writeString(dir.resolve(target), text);
        return this;
    }

    /** The serial number of certificate {@code name}.pem. */
    public java.math.BigInteger serial(String name) {
        return PemFiles.certificates(file(name + ".pem"), name).get(0).getSerialNumber();
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
        }
    }
}
