package com.m0club.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol, for browser tests of the dashboard (here and in
 * m0-app's end-to-end test, through the m0-api test-jar).
 *
 * <pre>
 *   HeadlessChromium.requireInstalled();                 // skip if M0_SKIP_BROWSER_TESTS=1, else fail if missing
 *   try (HeadlessChromium chrome = HeadlessChromium.launch();
 *        HeadlessChromium.Page page = chrome.open(server.baseUri())) {
 *       page.waitFor("document.querySelectorAll('tr[data-market-id]').length === 5", Duration.ofSeconds(30));
 *       JsonNode text = page.evaluate("document.querySelector('td.value').textContent");
 *   }
 * </pre>
 *
 * Each instance has a fresh profile directory, binds DevTools to a free loopback port (read from the profile's
 * {@code DevToolsActivePort}), and on {@link #close()} closes the browser, kills whatever of its process tree is left,
 * and deletes the profile: a test leaves no process and no file behind.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    public static final String SKIP_ENV = "M0_SKIP_BROWSER_TESTS";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final Path log;
    private final CdpClient cdp;

    private HeadlessChromium(Process process, Path profile, Path log, CdpClient cdp) {
        this.process = process;
        this.profile = profile;
        this.log = log;
        this.cdp = cdp;
    }

    /**
     * Call first in a browser test: skips it when {@code M0_SKIP_BROWSER_TESTS=1}; otherwise fails it with the
     * install command when {@code /usr/bin/chromium} is missing (CI installs it, so a missing browser is an error).
     */
    public static void requireInstalled() {
        Assumptions.assumeFalse("1".equals(System.getenv(SKIP_ENV)),
                SKIP_ENV + "=1: browser tests skipped on request");
        if (!Files.isExecutable(BINARY)) {
            Assertions.fail(BINARY + " is missing: browser tests need Debian's chromium. Install it with "
                    + "`apt-get update && apt-get install -y chromium` (CI installs it), or set " + SKIP_ENV
                    + "=1 to skip browser tests on this machine.");
        }
    }

    public static HeadlessChromium launch() {
        return launch(1400, 900);
    }

    /** Starts Chromium headless with a window of {@code width x height} CSS pixels. */
    public static HeadlessChromium launch(int width, int height) {
        Path profile;
        try {
            profile = Files.createTempDirectory("m0-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a Chromium profile directory", e);
        }
        Path log = profile.resolve("chromium.log");
        List<String> command = List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-default-apps", "--disable-extensions", "--disable-sync", "--no-first-run",
                "--no-default-browser-check", "--mute-audio", "--hide-scrollbars", "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1", "--user-data-dir=" + profile.resolve("data"),
                "--window-size=" + width + "," + height, "about:blank");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            deleteTree(profile);
            throw new UncheckedIOException("could not start " + BINARY, e);
        }
        try {
            URI devtools = awaitDevTools(process, profile.resolve("data").resolve("DevToolsActivePort"), log);
            return new HeadlessChromium(process, profile, log, CdpClient.connect(devtools, COMMAND_TIMEOUT));
        } catch (RuntimeException e) {
            kill(process);
            deleteTree(profile);
            throw e;
        }
    }

    private static URI awaitDevTools(Process process, Path portFile, Path log) {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("chromium exited with " + process.exitValue()
                        + " before DevTools was up; its output:\n" + tail(log));
            }
            try {
                if (Files.exists(portFile)) {
                    List<String> lines = Files.readAllLines(portFile, StandardCharsets.UTF_8);
                    if (lines.size() >= 2 && !lines.get(0).isBlank()) {
                        return URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
                    }
                }
                Thread.sleep(50);
            } catch (IOException e) {
                // written concurrently: read again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for chromium", e);
            }
        }
        throw new IllegalStateException("chromium's DevTools did not come up within " + START_TIMEOUT
                + "; its output:\n" + tail(log));
    }

    /** Opens {@code url} in a new tab and attaches to it. */
    public Page open(URI url) {
        ObjectNode create = CdpClient.params();
        create.put("url", "about:blank");
        String targetId = cdp.send("Target.createTarget", create, Optional.empty()).get("targetId").asText();
        ObjectNode attach = CdpClient.params();
        attach.put("targetId", targetId);
        attach.put("flatten", true);
        String sessionId = cdp.send("Target.attachToTarget", attach, Optional.empty()).get("sessionId").asText();
        Page page = new Page(targetId, sessionId);
        page.navigate(url);
        return page;
    }

    /** The browser's combined output so far (for failure messages). */
    public String output() {
        return tail(log);
    }

    /** Closes the browser, kills what is left of its process tree and deletes its profile. */
    @Override
    public void close() {
        try {
            cdp.send("Browser.close", CdpClient.params(), Optional.empty());
        } catch (RuntimeException e) {
            // killed below
        }
        cdp.close();
        kill(process);
        deleteTree(profile);
    }

    private static void kill(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.addAll(process.descendants().toList());
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : tree) {
            h.onExit().completeOnTimeout(h, 5, TimeUnit.SECONDS).join();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a file chromium still held: the OS temp cleaner gets it
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** One tab, attached with a flat DevTools session. */
    public final class Page implements AutoCloseable {
        private final String targetId;
        private final String sessionId;

        private Page(String targetId, String sessionId) {
            this.targetId = targetId;
            this.sessionId = sessionId;
        }

        public void navigate(URI url) {
            ObjectNode p = CdpClient.params();
            p.put("url", url.toString());
            JsonNode result = cdp.send("Page.navigate", p, Optional.of(sessionId));
            if (result.hasNonNull("errorText")) {
                throw new IllegalStateException("navigating to " + url + " failed: " + result.get("errorText"));
            }
        }

        /** Evaluates {@code expression} in the page (promises awaited) and returns its value as JSON. */
        public JsonNode evaluate(String expression) {
            ObjectNode p = CdpClient.params();
            p.put("expression", expression);
            p.put("returnByValue", true);
            p.put("awaitPromise", true);
            JsonNode result = cdp.send("Runtime.evaluate", p, Optional.of(sessionId));
            if (result.has("exceptionDetails")) {
                throw new IllegalStateException("page threw evaluating " + expression + ": "
                        + result.get("exceptionDetails").path("exception").path("description").asText(
                                result.get("exceptionDetails").toString()));
            }
            return result.path("result").path("value");
        }

        /**
         * Waits until {@code predicate} (a JS expression) is true, polling; fails with the page's body text when it
         * does not become true within {@code timeout}.
         */
        public void waitFor(String predicate, Duration timeout) {
            Instant deadline = Instant.now().plus(timeout);
            String lastError = "";
            while (Instant.now().isBefore(deadline)) {
                try {
                    if (evaluate("!!(" + predicate + ")").asBoolean(false)) {
                        return;
                    }
                } catch (IllegalStateException e) {
                    lastError = e.getMessage();
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + predicate, e);
                }
            }
            String body;
            try {
                body = evaluate("document.body ? document.body.innerText.slice(0, 2000) : '(no body)'").asText();
            } catch (RuntimeException e) {
                body = "(page unreadable: " + e.getMessage() + ")";
            }
            throw new AssertionError("page did not satisfy `" + predicate + "` within " + timeout
                    + (lastError.isEmpty() ? "" : " (last error: " + lastError + ")") + "; page text:\n" + body);
        }

        /** A PNG of the viewport at {@code width x height}, taken after the page rendered. */
        public byte[] screenshot(int width, int height) {
            ObjectNode metrics = CdpClient.params();
            metrics.put("width", width);
            metrics.put("height", height);
            metrics.put("deviceScaleFactor", 1);
            metrics.put("mobile", false);
            cdp.send("Emulation.setDeviceMetricsOverride", metrics, Optional.of(sessionId));
            ObjectNode shot = CdpClient.params();
            shot.put("format", "png");
            String data = cdp.send("Page.captureScreenshot", shot, Optional.of(sessionId)).get("data").asText();
            return Base64.getDecoder().decode(data);
        }

        @Override
        public void close() {
            ObjectNode p = CdpClient.params();
            p.put("targetId", targetId);
            try {
                cdp.send("Target.closeTarget", p, Optional.empty());
            } catch (RuntimeException e) {
                // the browser closes it anyway
            }
        }
    }
}
