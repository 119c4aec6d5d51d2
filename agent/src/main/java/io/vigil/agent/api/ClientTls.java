package io.vigil.agent.api;

import io.vigil.config.CtlConfig;
import io.vigil.tls.CertifiedKey;
import io.vigil.tls.KeyNames;
import io.vigil.tls.OneLine;
import io.vigil.tls.PemFiles;
import java.net.URLConnection;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How Vigil calls a member's REST API over HTTPS, as Patroni's {@code PatroniRequest} does: the client certificate
 * of {@code ctl.certfile} (else {@code restapi.certfile}, so an agent presents its own REST certificate to peers
 * that ask for one), and the server verified against {@code ctl.cacert} (else {@code restapi.cafile}, else the
 * JDK's CAs) unless the caller is insecure. Agents call each other insecurely, as Patroni does: peers are found
 * through ZooKeeper, whose ACLs are the trust anchor, and a peer's name in {@code api_url} need not be in its
 * certificate.
 */
public final class ClientTls {

    private static final char[] STORE_PASSWORD = "vigil-in-memory".toCharArray();

    private final Supplier<SSLContext> context;
    private final boolean verifies;
    private SSLContext built;

    private ClientTls(Supplier<SSLContext> context, boolean verifies) {
        this.context = context;
        this.verifies = verifies;
    }

    /** Agent-to-agent calls: no verification of the peer, our certificate when configured. */
    public static ClientTls forPeers(CtlConfig ctl) {
        return trustingAll(ctl);
    }

    /** No client certificate, no verification: for tests and callers without a configuration. */
    public static ClientTls insecureAnonymous() {
        return new ClientTls(() -> context(null, new TrustManager[] {new TrustAll()}), false);
    }

    /** vigilctl: verification unless {@code insecure} (the {@code -k} flag or {@code ctl.insecure}). */
    public static ClientTls forCtl(CtlConfig ctl, boolean insecure) {
        if (insecure || ctl.insecure()) {
            return trustingAll(ctl);
        }
        if (ctl.certfile().isEmpty() && ctl.cacert().isEmpty()) {
            return new ClientTls(ClientTls::jdkDefault, true);
        }
        TrustManager[] trust = ctl.cacert().isPresent() // else the JDK's CAs
            ? trustManagers(PemFiles.trustStore(ctl.cacert().get(), ctl.cacertKey())) : null;
        SSLContext context = context(clientKeys(ctl), trust);
        return new ClientTls(() -> context, true);
    }

    /**
     * A configured client certificate is loaded now, so that a bad file stops the caller at start; without one the
     * TLS context (and the JDK's ~350 TLS classes behind it) is built on the first https call, which a cluster
     * whose REST APIs speak plain http never makes.
     */
    private static ClientTls trustingAll(CtlConfig ctl) {
        if (ctl.certfile().isEmpty()) {
            return new ClientTls(() -> context(null, new TrustManager[] {new TrustAll()}), false);
        }
        SSLContext context = context(clientKeys(ctl), new TrustManager[] {new TrustAll()});
        return new ClientTls(() -> context, false);
    }

    public synchronized SSLContext context() {
        if (built == null) {
            built = context.get();
        }
        return built;
    }

    /** Whether the server's certificate and host name are checked. */
    public boolean verifies() {
        return verifies;
    }

    /** Applies to an {@code https} connection; a plain one is left as it is. */
    public void apply(URLConnection connection) {
        if (connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(context().getSocketFactory());
            if (!verifies) {
                https.setHostnameVerifier((host, session) -> true);
            }
        }
    }

    private static KeyManager[] clientKeys(CtlConfig ctl) {
        if (ctl.certfile().isEmpty()) {
            return null;
        }
        KeyNames names = new KeyNames(ctl.key("certfile"), ctl.key("keyfile"), ctl.key("keyfile_password"));
        CertifiedKey certified = CertifiedKey.load(ctl.certfile().get(), ctl.keyfile(), ctl.keyfilePassword(), names);
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(certified.keyStore("client", STORE_PASSWORD), STORE_PASSWORD);
            return keys.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(names.certificate() + ": cannot use the client certificate: "
                    + OneLine.of(e));
        }
    }

    private static TrustManager[] trustManagers(KeyStore cas) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(cas);
            return trust.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a trust manager: " + OneLine.of(e), e);
        }
    }

    private static SSLContext jdkDefault() {
        try {
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no default TLS context: " + OneLine.of(e), e);
        }
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + OneLine.of(e), e);
        }
    }

    /** Accepts any server certificate: Patroni's {@code cert_reqs=CERT_NONE}. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
