package io.siyu.local.stack;

import io.siyu.lambda.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the local stack is configured: environment variables with defaults that work on a first
 * run (docs/local-stack.md lists them). The defaults are for a laptop: the HTTP port listens on
 * the loopback interface only, and the admin token is printed at start.
 *
 * @param repoRoot        the folder with template.yaml; CodeUri paths are relative to it
 * @param bindHost        the interface the HTTP API listens on
 * @param httpPort        the HTTP API's port (0: any free port, for tests)
 * @param wecomApiBaseUrl a real WeCom API base URL, or null for the stub
 * @param dataDir         DynamoDB Local's files, or null to keep data in memory
 * @param schedulesAuto   whether schedules fire by their expressions (false: only when fired by hand)
 * @param consoleDir      a folder served under /console/ instead of the admin function's console
 *                        routes (SIYU_CONSOLE_DIR, for front-end work: rebuild and reload), or null
 */
public record StackSettings(
        Path repoRoot,
        String bindHost,
        int httpPort,
        String corpId,
        String wecomToken,
        String wecomAesKey,
        String wecomSecret,
        String adminToken,
        String wecomApiBaseUrl,
        Path dataDir,
        boolean schedulesAuto,
        Path consoleDir,
        Map<String, String> parameters) {

    public static final String DEFAULT_CORP_ID = "wwsiyulocal0000001";
    public static final String DEFAULT_TOKEN = "siyulocaltoken";
    /** 43 letters and digits, as WeCom's EncodingAESKey. */
    public static final String DEFAULT_AES_KEY = "SiyuLocalStackEncodingAesKey000000000000001";
    public static final String DEFAULT_SECRET = "siyu-local-app-secret";
    public static final String DEFAULT_ADMIN_TOKEN = "siyu-local-admin-token";
    public static final int DEFAULT_HTTP_PORT = 3000;

    /** Reads the configuration from the environment (through io.siyu.lambda.Env). */
    public static StackSettings fromEnvironment(Path repoRoot, Path dataDir) {
        String schedules = Env.optional("SIYU_SCHEDULES", "auto");
        if (!schedules.equals("auto") && !schedules.equals("manual")) {
            throw new IllegalArgumentException("SIYU_SCHEDULES must be auto or manual, not " + schedules);
        }
        String console = Env.optional("SIYU_CONSOLE_DIR", null);
        return new StackSettings(
                repoRoot,
                Env.optional("SIYU_HTTP_HOST", "127.0.0.1"),
                Env.integer("SIYU_HTTP_PORT", DEFAULT_HTTP_PORT),
                Env.optional("WECOM_CORP_ID", DEFAULT_CORP_ID),
                Env.optional("WECOM_TOKEN", DEFAULT_TOKEN),
                Env.optional("WECOM_AES_KEY", DEFAULT_AES_KEY),
                Env.optional("WECOM_SECRET", DEFAULT_SECRET),
                Env.optional("SIYU_ADMIN_TOKEN", DEFAULT_ADMIN_TOKEN),
                Env.optional("WECOM_API_BASE_URL", null),
                dataDir,
                schedules.equals("auto"),
                console != null ? Path.of(console) : null,
                Map.of());
    }

    /** Defaults everywhere, any free port, schedules by hand: what the tests start. */
    public static StackSettings forTests(Path repoRoot) {
        return new StackSettings(repoRoot, "127.0.0.1", 0, DEFAULT_CORP_ID, DEFAULT_TOKEN, DEFAULT_AES_KEY,
                DEFAULT_SECRET, DEFAULT_ADMIN_TOKEN, null, null, false, null, Map.of());
    }

    public StackSettings withHttpPort(int port) {
        return new StackSettings(repoRoot, bindHost, port, corpId, wecomToken, wecomAesKey, wecomSecret, adminToken,
                wecomApiBaseUrl, dataDir, schedulesAuto, consoleDir, parameters);
    }

    public StackSettings withTemplateParameters(Map<String, String> values) {
        Map<String, String> p = new LinkedHashMap<>(parameters);
        p.putAll(values);
        return new StackSettings(repoRoot, bindHost, httpPort, corpId, wecomToken, wecomAesKey, wecomSecret, adminToken,
                wecomApiBaseUrl, dataDir, schedulesAuto, consoleDir, Map.copyOf(p));
    }

    public StackSettings withSchedulesAuto(boolean auto) {
        return new StackSettings(repoRoot, bindHost, httpPort, corpId, wecomToken, wecomAesKey, wecomSecret, adminToken,
                wecomApiBaseUrl, dataDir, auto, consoleDir, parameters);
    }

    public StackSettings withDataDir(Path dir) {
        return new StackSettings(repoRoot, bindHost, httpPort, corpId, wecomToken, wecomAesKey, wecomSecret, adminToken,
                wecomApiBaseUrl, dir, schedulesAuto, consoleDir, parameters);
    }

    public Path template() {
        return repoRoot.resolve("template.yaml");
    }

    /**
     * The repository root: the folder holding template.yaml, searched from {@code start} upwards
     * (so {@code java -jar infra/local/target/siyu.jar up} works from the root or any folder in it).
     */
    public static Path findRepoRoot(Path start) {
        Path dir = start.toAbsolutePath().normalize();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("template.yaml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        return null;
    }
}
