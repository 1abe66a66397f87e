package io.siyu.functions.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.functions.admin.http.Router;
import io.siyu.testing.HttpApiEvents;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's files through the admin router, as API Gateway would ask for them. */
class ConsoleAssetsTest {

    private static final String INDEX = "<!doctype html><title>私域</title><script src=\"./assets/index-abc123.js\"></script>";
    private static final String SCRIPT = "console.log('hello');".repeat(100);

    @TempDir
    Path root;
    private Router router;

    @BeforeEach
    void files() throws IOException {
        Files.createDirectories(root.resolve("console/assets"));
        Files.writeString(root.resolve("console/index.html"), INDEX);
        Files.writeString(root.resolve("console/assets/index-abc123.js"), SCRIPT);
        Files.write(root.resolve("console/assets/logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
        Files.writeString(root.resolve("secret.txt"), "outside the console folder");
        ClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
        router = new Router(new ConsoleAssets(loader).routes(), new ObjectMapper());
    }

    private APIGatewayV2HTTPResponse get(String path, String... headers) {
        HttpApiEvents e = HttpApiEvents.request("GET", path);
        for (int i = 0; i < headers.length; i += 2) {
            e.header(headers[i], headers[i + 1]);
        }
        return router.handle(e.build());
    }

    private static String gunzip(String base64) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(base64)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theBarePathRedirectsToTheFolderSoRelativeAssetUrlsResolve() {
        APIGatewayV2HTTPResponse r = get("/console");
        assertThat(r.getStatusCode()).isEqualTo(302);
        assertThat(r.getHeaders()).containsEntry("Location", "/console/index.html");
    }

    @Test
    void indexIsRevalidatedEveryTimeAndCarriesAContentSecurityPolicy() {
        APIGatewayV2HTTPResponse r = get("/console/index.html");
        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getHeaders()).containsEntry("Content-Type", "text/html; charset=utf-8")
                .containsEntry("Cache-Control", "no-cache").containsKey("ETag").containsKey("Content-Security-Policy");
        assertThat(r.getIsBase64Encoded()).isFalse();
        assertThat(r.getBody()).isEqualTo(INDEX);
        assertThat(get("/console/assets/").getStatusCode()).as("a folder is its index.html").isEqualTo(404);

        APIGatewayV2HTTPResponse again = get("/console/index.html", "If-None-Match", r.getHeaders().get("ETag"));
        assertThat(again.getStatusCode()).isEqualTo(304);
        assertThat(again.getBody()).isEmpty();
    }

    @Test
    void hashedAssetsAreCachedForAYearAndGzippedWhenAccepted() throws IOException {
        APIGatewayV2HTTPResponse r = get("/console/assets/index-abc123.js", "Accept-Encoding", "gzip, deflate, br");
        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getHeaders()).containsEntry("Content-Type", "text/javascript; charset=utf-8")
                .containsEntry("Cache-Control", "public, max-age=31536000, immutable")
                .containsEntry("Content-Encoding", "gzip").containsEntry("Vary", "Accept-Encoding");
        assertThat(r.getIsBase64Encoded()).isTrue();
        assertThat(gunzip(r.getBody())).isEqualTo(SCRIPT);
        assertThat(Base64.getDecoder().decode(r.getBody()).length).isLessThan(SCRIPT.length() / 10);

        APIGatewayV2HTTPResponse plain = get("/console/assets/index-abc123.js");
        assertThat(plain.getHeaders()).doesNotContainKey("Content-Encoding");
        assertThat(plain.getBody()).isEqualTo(SCRIPT);
    }

    @Test
    void binaryFilesAreBase64AndNeverGzipped() {
        APIGatewayV2HTTPResponse r = get("/console/assets/logo.png", "Accept-Encoding", "gzip");
        assertThat(r.getHeaders()).containsEntry("Content-Type", "image/png").doesNotContainKey("Content-Encoding");
        assertThat(r.getIsBase64Encoded()).isTrue();
        assertThat(Base64.getDecoder().decode(r.getBody())).hasSize(7);
    }

    @Test
    void missingFilesAndPathsOutsideTheFolderAre404() {
        assertThat(get("/console/nope.js").getStatusCode()).isEqualTo(404);
        assertThat(get("/console/../secret.txt").getStatusCode()).isEqualTo(404);
        assertThat(get("/console/%2e%2e/secret.txt").getStatusCode()).isEqualTo(404);
        assertThat(get("/admin/health").getStatusCode()).isEqualTo(404);
        // As API Gateway: {proxy+} needs at least one character, so /console/ is not this route.
        assertThat(get("/console/").getStatusCode()).isEqualTo(404);
    }
}
