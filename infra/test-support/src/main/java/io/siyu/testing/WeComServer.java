package io.siyu.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.URI;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * WeCom's server API for the WeCom client's own tests, without the AWS emulators: one WireMock
 * server per test class, emptied before each test, answering gettoken with
 * {@link WeComStub#ACCESS_TOKEN}. Register it with
 * {@code @RegisterExtension static final WeComServer WECOM = new WeComServer();}.
 */
public final class WeComServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private WireMockServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.resetAll();
        stub().token(WeComStub.ACCESS_TOKEN);
    }

    public WeComStub stub() {
        return new WeComStub(server);
    }

    public URI baseUri() {
        return URI.create(server.baseUrl());
    }
}
