package io.siyu.local.stack;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An event source mapping's polling loop on its own thread. Each cycle that finds nothing to do
 * records the {@link Activity} version it started at, which is how the stack knows the poller
 * has caught up with all the work that happened before.
 */
abstract class Poller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
    private static final Duration IDLE_PAUSE = Duration.ofMillis(100);

    protected final String name;
    protected final Activity activity;
    /** The activity version and start time (nanoTime) of the last cycle that found nothing. */
    private record IdleCycle(long version, long startedNanos) {}

    private volatile IdleCycle lastIdle = new IdleCycle(-1, Long.MIN_VALUE);
    private volatile boolean running = true;
    private final Thread thread;

    Poller(String name, Activity activity) {
        this.name = name;
        this.activity = activity;
        this.thread = new Thread(this::loop, "poller-" + name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    String name() {
        return name;
    }

    /** One cycle. Returns true when there was work (records or messages), false when the source was empty. */
    protected abstract boolean pollOnce() throws InterruptedException;

    /**
     * Whether this poller found nothing to do in a cycle that began after {@code sinceNanos} (so
     * it saw whatever was written before) and at activity {@code version} (so no work happened
     * since).
     */
    boolean idleSince(long version, long sinceNanos) {
        IdleCycle idle = lastIdle;
        return idle.version() == version && idle.startedNanos() - sinceNanos > 0;
    }

    private void loop() {
        while (running) {
            long version = activity.version();
            long started = System.nanoTime();
            try {
                if (!pollOnce()) {
                    lastIdle = new IdleCycle(version, started);
                    Thread.sleep(IDLE_PAUSE.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.error("{}: poll failed, retrying: {}", name, e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
