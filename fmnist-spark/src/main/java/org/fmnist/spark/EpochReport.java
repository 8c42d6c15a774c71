package org.fmnist.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.core.train.TrainingListener;

/**
 * The executor's end of live epochs: posts each epoch the point finishes to the driver's
 * {@link EpochRelay}. A post that fails is said once in the executor's log and training goes on: the
 * driver still records every epoch from the finished folder.
 */
final class EpochReport implements TrainingListener {
    private static final ObjectMapper JSON = JsonMapperFactory.create();
    private final URI relay;
    private final String token;
    private final int point;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private boolean failedOnce;

    EpochReport(URI relay, String token, int point) {
        this.relay = relay;
        this.token = token;
        this.point = point;
    }

    @Override
    public void onEpochEnd(EpochMetrics metrics) {
        try {
            HttpRequest post = HttpRequest.newBuilder(relay).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header(EpochRelay.TOKEN_HEADER, token)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(new EpochRelay.Epoch(point, metrics))))
                    .build();
            int status = http.send(post, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 204) {
                throw new IOException("the driver answered HTTP " + status);
            }
        } catch (IOException e) {
            sayOnce("fmnist: point " + point + "'s epoch " + metrics.epoch() + " did not reach the driver (" + e.getMessage()
                    + "); it is recorded when the point is done");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while reporting an epoch", e));
        }
    }

    private void sayOnce(String line) {
        if (!failedOnce) {
            failedOnce = true;
            System.err.println(line);
        }
    }
}
