package io.vigil.postgres;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Pure: the {@code synchronous_standby_names} values the leader writes in synchronous mode (wire spec 3.12 #4),
 * and a parser for the value PostgreSQL reports back.
 *
 * <p>Names are written in sorted order (Patroni 4 sorts them too), so the same set of standbys always gives the
 * same text and a reload is only needed when the set changes. A name is written as it is when it looks like a
 * plain identifier ({@code [A-Za-z_][A-Za-z_0-9$]*}) and is not one of the grammar's keywords {@code FIRST} /
 * {@code ANY} (Patroni 4's {@code quote_standby_name}; unquoted they would be a syntax error), otherwise in double
 * quotes with inner quotes doubled. PostgreSQL compares the names with {@code application_name} ignoring case.
 */
public final class SyncStandbyNames {

    /** Strict synchronous mode without a synchronous standby: any standby would do, so commits wait. */
    public static final String STRICT_NONE = "*";

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z_0-9$]*");

    /** What a value asks of PostgreSQL. */
    public enum Kind {
        /** Empty: no synchronous replication. */
        NONE,
        /** {@code name}, {@code a, b}, {@code N (a,b)} or {@code FIRST N (a,b)}: the first N connected names by priority. */
        PRIORITY,
        /** {@code ANY k (a,b)}: any k of the names. */
        QUORUM,
        /** The list holds {@code *}: any standby counts, whatever the names (e.g. {@link #STRICT_NONE}). */
        ANY
    }

    /**
     * A parsed value.
     *
     * @param kind  see {@link Kind}; {@code ANY} whenever the list contains {@code *}, whether written with a
     *              count ({@code 2 (a,*)}, {@code ANY 1 (*)}) or not
     * @param count how many standbys must confirm: N or k as written, 1 for a plain list, 0 for {@code NONE}
     * @param names the standby names in written order, unquoted, without {@code *}
     */
    public record Parsed(Kind kind, int count, List<String> names) {
        public Parsed {
            Objects.requireNonNull(kind, "kind");
            names = List.copyOf(names);
        }

        /** Whether {@code name} is listed, ignoring case as PostgreSQL does. */
        public boolean lists(String name) {
            return name != null && names.stream().anyMatch(n -> n.equalsIgnoreCase(name));
        }
    }

    private SyncStandbyNames() {
    }

    /**
     * The value for synchronous mode {@code on}: one name alone ({@code n2}), several as {@code count (a,b)}.
     * A list containing {@code *} gives {@link #STRICT_NONE}; an empty list gives {@code ""} (no synchronous
     * standby: the parameter is not set, or the caller uses {@link #STRICT_NONE} in strict mode).
     *
     * <p>Patroni 3.0.2 writes the number of names as N, i.e. calls this with {@code count = names.size()}.
     */
    public static String priority(int count, Collection<String> names) {
        List<String> sorted = sorted(names);
        if (sorted.contains(STRICT_NONE)) {
            return STRICT_NONE;
        }
        if (sorted.isEmpty()) {
            return "";
        }
        if (sorted.size() == 1) {
            return quote(sorted.get(0));
        }
        requirePositive(count);
        return count + " (" + join(sorted) + ")";
    }

    /**
     * The value for synchronous mode {@code quorum} (Patroni 4): {@code ANY k (a,b)}, also for a single name.
     * An empty list gives {@code ""}; a list containing {@code *} gives {@code ANY k (*)}.
     */
    public static String quorum(int k, Collection<String> names) {
        List<String> sorted = sorted(names);
        if (sorted.isEmpty()) {
            return "";
        }
        requirePositive(k);
        return "ANY " + k + " (" + (sorted.contains(STRICT_NONE) ? STRICT_NONE : join(sorted)) + ")";
    }

    /** A standby name as it must appear in the value: plain identifiers as they are, anything else double-quoted. */
    public static String quote(String name) {
        if (STRICT_NONE.equals(name)) {
            return name;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (PLAIN.matcher(name).matches() && !lower.equals("first") && !lower.equals("any")) {
            return name;
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * Reads a value as PostgreSQL's {@code syncrep} grammar does: {@code ""}, a bare list {@code a, b},
     * {@code N (list)}, {@code FIRST N (list)} or {@code ANY N (list)}, keywords in any case, names plain,
     * double-quoted ({@code ""} inside is one quote), numeric or {@code *}.
     *
     * @throws IllegalArgumentException for anything else (PostgreSQL itself refuses to load such a value)
     */
    public static Parsed parse(String value) {
        List<Token> tokens = tokenize(value == null ? "" : value);
        if (tokens.isEmpty()) {
            return new Parsed(Kind.NONE, 0, List.of());
        }
        Kind kind;
        int count;
        List<Token> list;
        if (starts(tokens, Type.ANY, Type.NUM, Type.OPEN) && last(tokens, Type.CLOSE)) {
            kind = Kind.QUORUM;
            count = number(tokens.get(1), value);
            list = tokens.subList(3, tokens.size() - 1);
        } else if (starts(tokens, Type.FIRST, Type.NUM, Type.OPEN) && last(tokens, Type.CLOSE)) {
            kind = Kind.PRIORITY;
            count = number(tokens.get(1), value);
            list = tokens.subList(3, tokens.size() - 1);
        } else if (starts(tokens, Type.NUM, Type.OPEN) && last(tokens, Type.CLOSE)) {
            kind = Kind.PRIORITY;
            count = number(tokens.get(0), value);
            list = tokens.subList(2, tokens.size() - 1);
        } else {
            kind = Kind.PRIORITY;
            count = 1;
            list = tokens;
        }
        if (list.isEmpty()) {
            throw unparsable(value, "no standby names");
        }
        List<String> names = new ArrayList<>();
        boolean star = false;
        for (int i = 0; i < list.size(); i++) {
            Token t = list.get(i);
            if (i % 2 == 1) {
                if (t.type != Type.COMMA || i == list.size() - 1) {
                    throw unparsable(value, "unexpected '" + t.text + "' at " + t.at);
                }
            } else if (t.type == Type.STAR) {
                star = true;
            } else if (t.type == Type.NAME || t.type == Type.NUM || t.type == Type.FIRST || t.type == Type.ANY) {
                names.add(t.text);
            } else if (t.type == Type.QUOTED) {
                names.add(t.text.substring(1, t.text.length() - 1).replace("\"\"", "\""));
            } else {
                throw unparsable(value, "unexpected '" + t.text + "' at " + t.at);
            }
        }
        return new Parsed(star ? Kind.ANY : kind, count, names);
    }

    private enum Type { FIRST, ANY, NAME, QUOTED, STAR, NUM, COMMA, OPEN, CLOSE, JUNK }

    private record Token(Type type, String text, int at) {
    }

    private static final Pattern TOKEN = Pattern.compile(
            "(?<first>[fF][iI][rR][sS][tT](?![A-Za-z_0-9$\\x80-\\uffff]))"
            + "|(?<any>[aA][nN][yY](?![A-Za-z_0-9$\\x80-\\uffff]))"
            + "|(?<space>\\s+)"
            + "|(?<name>[A-Za-z_\\x80-\\uffff][A-Za-z_0-9$\\x80-\\uffff]*)"
            + "|(?<quoted>\"(?:[^\"]|\"\")*\")"
            + "|(?<star>\\*)"
            + "|(?<num>[0-9]+)"
            + "|(?<comma>,)"
            + "|(?<open>\\()"
            + "|(?<close>\\))"
            + "|(?<junk>.)", Pattern.DOTALL);

    private static List<Token> tokenize(String value) {
        List<Token> tokens = new ArrayList<>();
        var m = TOKEN.matcher(value);
        while (m.find()) {
            Type type;
            if (m.group("space") != null) {
                continue;
            } else if (m.group("first") != null) {
                type = Type.FIRST;
            } else if (m.group("any") != null) {
                type = Type.ANY;
            } else if (m.group("name") != null) {
                type = Type.NAME;
            } else if (m.group("quoted") != null) {
                type = Type.QUOTED;
            } else if (m.group("star") != null) {
                type = Type.STAR;
            } else if (m.group("num") != null) {
                type = Type.NUM;
            } else if (m.group("comma") != null) {
                type = Type.COMMA;
            } else if (m.group("open") != null) {
                type = Type.OPEN;
            } else if (m.group("close") != null) {
                type = Type.CLOSE;
            } else {
                type = Type.JUNK;
            }
            tokens.add(new Token(type, m.group(), m.start()));
        }
        return tokens;
    }

    private static boolean starts(List<Token> tokens, Type... types) {
        if (tokens.size() < types.length) {
            return false;
        }
        for (int i = 0; i < types.length; i++) {
            if (tokens.get(i).type != types[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean last(List<Token> tokens, Type type) {
        return tokens.get(tokens.size() - 1).type == type;
    }

    private static int number(Token t, String value) {
        try {
            int n = Integer.parseInt(t.text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // too large
        }
        throw unparsable(value, "the number of synchronous standbys (" + t.text + ") must be between 1 and "
                + Integer.MAX_VALUE);
    }

    private static IllegalArgumentException unparsable(String value, String why) {
        return new IllegalArgumentException("unparsable synchronous_standby_names value '" + value + "': " + why);
    }

    private static void requirePositive(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("the number of synchronous standbys must be at least 1, got " + count);
        }
    }

    private static List<String> sorted(Collection<String> names) {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        return sorted;
    }

    private static String join(List<String> names) {
        return names.stream().map(SyncStandbyNames::quote).collect(Collectors.joining(","));
    }
}
