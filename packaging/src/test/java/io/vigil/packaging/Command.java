package io.vigil.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command run to its end: its exit status and what it wrote (stdout and stderr together, in order). */
record Command(List<String> argv, int exit, String output) {

    /** Longest any step here may take: apt-get may first wait for another dpkg on the machine to finish. */
    private static final long TIMEOUT_SECONDS = 180;

    static Command run(String... argv) throws IOException, InterruptedException {
        return run(Map.of(), argv);
    }

    static Command run(Map<String, String> env, String... argv) throws IOException, InterruptedException {
        Path log = Files.createTempFile("vigil-packaging", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", argv) + " did not finish in " + TIMEOUT_SECONDS + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Command(List.of(argv), process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** This result, after checking that the command succeeded (its output is the failure's message otherwise). */
    Command ok() {
        if (exit != 0) {
            throw new AssertionError(String.join(" ", argv) + " exited with " + exit + ":\n" + output);
        }
        return this;
    }
}
