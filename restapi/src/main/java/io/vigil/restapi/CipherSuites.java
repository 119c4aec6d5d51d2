package io.vigil.restapi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * {@code restapi.ciphers}, an OpenSSL cipher string as Python's {@code SSLContext.set_ciphers} takes it, turned into
 * the JSSE cipher suites the JDK offers.
 *
 * <p>What maps: OpenSSL suite names ({@code ECDHE-RSA-AES128-GCM-SHA256}, {@code AES256-SHA}, …) and the aliases
 * {@code ALL}, {@code DEFAULT}, {@code HIGH}, {@code MEDIUM}, {@code ECDHE}/{@code EECDH}/{@code kEECDH},
 * {@code DHE}/{@code EDH}/{@code kEDH}, {@code kRSA}, {@code aRSA}, {@code aECDSA}/{@code ECDSA}, {@code aDSS}/{@code DSS},
 * {@code RSA} (RSA key exchange or authentication), {@code AES}, {@code AES128}, {@code AES256}, {@code AESGCM},
 * {@code AESCCM}, {@code CHACHA20}, {@code 3DES}, {@code SHA1}/{@code SHA}, {@code SHA256}, {@code SHA384},
 * {@code TLSv1.2}; terms joined with {@code +} (all must match); the operators {@code !} (remove for good),
 * {@code -} (remove), {@code +} (move to the end); {@code @STRENGTH} (strongest first). Words that name nothing in
 * Java ({@code aNULL}, {@code eNULL}, {@code MD5}, {@code RC4}, {@code PSK}, {@code SRP}, {@code CAMELLIA}, {@code
 * @SECLEVEL=n}, …) match no suite, so excluding them changes nothing and including them adds nothing.
 *
 * <p>As with OpenSSL, the string governs TLS 1.2 and below only: the TLS 1.3 suites stay enabled.
 */
final class CipherSuites {

    private CipherSuites() {
    }

    /**
     * @param ciphers   the OpenSSL cipher string
     * @param supported the JSSE suite names the JDK supports, in its order of preference
     * @return the JSSE suites to enable, TLS 1.3 ones first, then the selected ones in OpenSSL's order
     * @throws IllegalArgumentException naming {@code restapi.ciphers} when no TLS 1.2 suite is selected
     */
    static List<String> select(String ciphers, List<String> supported) {
        List<Suite> candidates = supported.stream().filter(n -> !isTls13(n)).map(Suite::of)
                .filter(s -> s != null).toList();
        List<Suite> chosen = new ArrayList<>();
        Set<String> banned = new TreeSet<>();
        for (String term : ciphers.split("[:, ]+")) {
            if (term.isEmpty() || term.startsWith("@SECLEVEL")) {
                continue;
            }
            if (term.equals("@STRENGTH")) {
                chosen.sort((a, b) -> Integer.compare(b.strength(), a.strength()));
                continue;
            }
            char op = term.charAt(0);
            String spec = op == '!' || op == '-' || op == '+' ? term.substring(1) : term;
            Predicate<Suite> matches = matcher(spec);
            switch (op) {
                case '!' -> {
                    candidates.stream().filter(matches).forEach(s -> banned.add(s.jsse));
                    chosen.removeIf(matches);
                }
                case '-' -> chosen.removeIf(matches);
                case '+' -> {
                    List<Suite> moved = chosen.stream().filter(matches).toList();
                    chosen.removeAll(moved);
                    chosen.addAll(moved);
                }
                default -> candidates.stream().filter(matches).filter(s -> !banned.contains(s.jsse))
                        .filter(s -> !chosen.contains(s)).forEach(chosen::add);
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("restapi.ciphers: \"" + ciphers
                    + "\" selects no TLS 1.2 cipher suite that Java supports");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        supported.stream().filter(CipherSuites::isTls13).forEach(out::add);
        chosen.forEach(s -> out.add(s.jsse));
        return List.copyOf(out);
    }

    private static boolean isTls13(String jsse) {
        return jsse.startsWith("TLS_") && !jsse.contains("_WITH_") && !jsse.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    }

    /** {@code A+B+C}: a suite matching every part. */
    private static Predicate<Suite> matcher(String spec) {
        Predicate<Suite> all = s -> true;
        for (String part : spec.split("\\+")) {
            all = all.and(alias(part));
        }
        return all;
    }

    private static Predicate<Suite> alias(String word) {
        return switch (word) {
            case "ALL", "DEFAULT" -> s -> true;
            case "HIGH" -> s -> s.strength() >= 128 && !s.enc.equals("3DES");
            case "MEDIUM" -> s -> false;
            case "ECDHE", "EECDH", "kEECDH", "kECDHE" -> s -> s.kx.equals("ECDHE");
            case "DHE", "EDH", "kEDH", "kDHE" -> s -> s.kx.equals("DHE");
            case "kRSA" -> s -> s.kx.equals("RSA");
            case "aRSA" -> s -> s.au.equals("RSA");
            case "RSA" -> s -> s.kx.equals("RSA") || s.au.equals("RSA");
            case "aECDSA", "ECDSA" -> s -> s.au.equals("ECDSA");
            case "aDSS", "DSS" -> s -> s.au.equals("DSS");
            case "AES" -> s -> s.enc.startsWith("AES");
            case "AES128" -> s -> s.enc.startsWith("AES128");
            case "AES256" -> s -> s.enc.startsWith("AES256");
            case "AESGCM" -> s -> s.enc.endsWith("GCM");
            case "AESCCM" -> s -> s.enc.endsWith("CCM");
            case "CHACHA20" -> s -> s.enc.equals("CHACHA20");
            case "3DES" -> s -> s.enc.equals("3DES");
            case "SHA1", "SHA" -> s -> s.mac.equals("SHA");
            case "SHA256" -> s -> s.mac.equals("SHA256");
            case "SHA384" -> s -> s.mac.equals("SHA384");
            case "TLSv1.2" -> s -> s.mac.equals("SHA256") || s.mac.equals("SHA384");
            default -> s -> s.openssl.equals(word);
        };
    }

    /** A TLS 1.2-or-older JSSE suite, described the way OpenSSL names and groups it. */
    private record Suite(String jsse, String openssl, String kx, String au, String enc, String mac) {

        int strength() {
            return enc.startsWith("AES256") || enc.equals("CHACHA20") ? 256 : enc.equals("3DES") ? 112 : 128;
        }

        /** E.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 → ECDHE-RSA-AES128-GCM-SHA256; null for what OpenSSL lacks. */
        static Suite of(String jsse) {
            String[] sides = jsse.replaceFirst("^(TLS|SSL)_", "").split("_WITH_");
            if (sides.length != 2) {
                return null;
            }
            String kx;
            String au;
            switch (sides[0]) {
                case "ECDHE_ECDSA" -> { kx = "ECDHE"; au = "ECDSA"; }
                case "ECDHE_RSA" -> { kx = "ECDHE"; au = "RSA"; }
                case "DHE_RSA" -> { kx = "DHE"; au = "RSA"; }
                case "DHE_DSS" -> { kx = "DHE"; au = "DSS"; }
                case "RSA" -> { kx = "RSA"; au = "RSA"; }
                default -> { return null; } // anonymous, static ECDH, Kerberos…: not in OpenSSL's usual lists
            }
            List<String> parts = new ArrayList<>(Arrays.asList(sides[1].split("_")));
            String mac = parts.remove(parts.size() - 1);
            String enc;
            String encName;
            String joined = String.join("_", parts);
            switch (joined) {
                case "AES_128_GCM" -> { enc = "AES128GCM"; encName = "AES128-GCM"; }
                case "AES_256_GCM" -> { enc = "AES256GCM"; encName = "AES256-GCM"; }
                case "AES_128_CCM" -> { enc = "AES128CCM"; encName = "AES128-CCM"; }
                case "AES_256_CCM" -> { enc = "AES256CCM"; encName = "AES256-CCM"; }
                case "AES_128_CBC" -> { enc = "AES128"; encName = "AES128"; }
                case "AES_256_CBC" -> { enc = "AES256"; encName = "AES256"; }
                case "CHACHA20_POLY1305" -> { enc = "CHACHA20"; encName = "CHACHA20-POLY1305"; }
                case "3DES_EDE_CBC" -> { enc = "3DES"; encName = "DES-CBC3"; }
                default -> { return null; }
            }
            StringBuilder name = new StringBuilder();
            if (!kx.equals("RSA")) {
                name.append(kx.equals("DHE") ? "DHE" : "ECDHE").append('-').append(au).append('-');
            }
            name.append(encName);
            if (!enc.equals("CHACHA20")) {
                name.append('-').append(mac);
            }
            return new Suite(jsse, name.toString().toUpperCase(Locale.ROOT), kx, au, enc, mac);
        }
    }
}
