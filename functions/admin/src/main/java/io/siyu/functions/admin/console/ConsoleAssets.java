package io.siyu.functions.admin.console;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.siyu.functions.admin.http.ApiException;
import io.siyu.functions.admin.http.ApiRequest;
import io.siyu.functions.admin.http.ApiResponse;
import io.siyu.functions.admin.http.Route;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * The operator console's static files (console/, built by npm into console/dist and packed into
 * this jar under {@code console/}), served under {@code /console/}. These two routes are public
 * (no JWT authoriser): the files hold no data, and every API call the console makes carries the
 * operator's bearer token. Hashed files under {@code assets/} are cached for a year; index.html is
 * revalidated (ETag) on every load, so a deploy is picked up at once. Text is sent gzipped when
 * the client accepts it.
 */
public final class ConsoleAssets implements Route.Module {

    public static final String ROOT_PATH = "/console";
    public static final String FILES_PATH = "/console/{proxy+}";
    private static final String RESOURCE_ROOT = "console/";
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("woff2", "font/woff2"));
    /**
     * Only self-hosted code; images also from elsewhere (the QR code images of WeCom's CDN, or of
     * the local stack's WeCom stub on another port) and data: URLs.
     */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' https: http: data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'self'";

    /** One file, read once: its bytes, gzipped bytes (text only) and ETag. */
    record Asset(String type, byte[] bytes, byte[] gzipped, String etag) {}

    private final ClassLoader loader;
    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    public ConsoleAssets() {
        this(ConsoleAssets.class.getClassLoader());
    }

    ConsoleAssets(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                new Route("GET", ROOT_PATH, r -> redirectToFolder()),
                new Route("GET", FILES_PATH, this::file));
    }

    /**
     * Relative asset URLs need a page inside the folder: /console redirects to /console/index.html
     * (not to /console/, which a greedy {proxy+} route does not match: it needs one character).
     */
    private static ApiResponse redirectToFolder() {
        return new ApiResponse(302, APIGatewayV2HTTPResponse.builder().withStatusCode(302).withBody("")
                .withHeaders(Map.of("Location", ROOT_PATH + "/index.html", "Cache-Control", "no-cache")).build());
    }

    private ApiResponse file(ApiRequest request) {
        String relative = request.pathParameter("proxy");
        if (relative == null || relative.isEmpty() || relative.endsWith("/")) {
            relative = (relative == null ? "" : relative) + "index.html";
        }
        if (relative.contains("..") || relative.contains("\\") || relative.startsWith("/")) {
            throw new ApiException(404, "not_found", "no such console file");
        }
        Asset asset = cache.computeIfAbsent(relative, this::load)
                .orElseThrow(() -> new ApiException(404, "not_found", "no such console file"));
        boolean index = relative.endsWith(".html");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", asset.type());
        headers.put("Cache-Control", relative.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
        headers.put("ETag", asset.etag());
        headers.put("X-Content-Type-Options", "nosniff");
        if (index) {
            headers.put("Content-Security-Policy", CSP);
            headers.put("Referrer-Policy", "no-referrer");
        }
        if (asset.gzipped() != null) {
            headers.put("Vary", "Accept-Encoding");
        }
        if (asset.etag().equals(request.header("if-none-match"))) {
            return new ApiResponse(304, APIGatewayV2HTTPResponse.builder().withStatusCode(304).withBody("").withHeaders(headers).build());
        }
        String accept = request.header("accept-encoding");
        boolean gzip = asset.gzipped() != null && accept != null && accept.toLowerCase(Locale.ROOT).contains("gzip");
        var response = APIGatewayV2HTTPResponse.builder().withStatusCode(200);
        if (gzip) {
            headers.put("Content-Encoding", "gzip");
            response.withBody(Base64.getEncoder().encodeToString(asset.gzipped())).withIsBase64Encoded(true);
        } else if (asset.gzipped() != null) {
            response.withBody(new String(asset.bytes(), StandardCharsets.UTF_8)).withIsBase64Encoded(false);
        } else {
            response.withBody(Base64.getEncoder().encodeToString(asset.bytes())).withIsBase64Encoded(true);
        }
        return new ApiResponse(200, response.withHeaders(headers).build());
    }

    private Optional<Asset> load(String relative) {
        try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + relative)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String extension = relative.substring(relative.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            String type = TYPES.getOrDefault(extension, "application/octet-stream");
            boolean text = type.startsWith("text/") || type.startsWith("application/json") || type.startsWith("image/svg");
            return Optional.of(new Asset(type, bytes, text ? gzip(bytes) : null, etag(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {{ def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION); }}) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
