package io.siyu.functions.sopsender;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SenderServiceTest {

    private final SenderService service = new SenderService(null, null, Clock.systemUTC(), () -> "t", Duration.ofSeconds(60), 8,
            Duration.ofSeconds(60), Duration.ofSeconds(3600));

    @Test
    void theBackoffDoublesFromWeComsMinuteWindowUpToItsCap() {
        assertThat(service.backoff(1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(service.backoff(2)).isEqualTo(Duration.ofSeconds(120));
        assertThat(service.backoff(5)).isEqualTo(Duration.ofSeconds(960));
        assertThat(service.backoff(7)).isEqualTo(Duration.ofSeconds(3600));
        assertThat(service.backoff(1000)).isEqualTo(Duration.ofSeconds(3600));
        assertThat(service.backoff(0)).isEqualTo(Duration.ofSeconds(60));
    }
}
