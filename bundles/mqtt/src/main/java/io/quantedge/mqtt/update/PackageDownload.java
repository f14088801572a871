package io.quantedge.mqtt.update;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/** Fetches a package named by URL into a file, never more than the size the begin message announced. */
final class PackageDownload {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    private PackageDownload() {
    }

    static void fetch(String url, long expectedBytes, Path target) throws UpdateException {
        try {
            HttpResponse<InputStream> response = CLIENT.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofMinutes(30)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new UpdateException("DOWNLOAD_FAILED", url + " answered HTTP " + response.statusCode());
                }
                long copied = 0;
                byte[] buffer = new byte[64 * 1024];
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    for (int read = body.read(buffer); read >= 0; read = body.read(buffer)) {
                        copied += read;
                        if (copied > expectedBytes) {
                            throw new UpdateException("SIZE_MISMATCH", url + " sends more than the announced "
                                    + expectedBytes + " bytes");
                        }
                        out.write(buffer, 0, read);
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UpdateException("DOWNLOAD_FAILED", "cannot download " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpdateException("DOWNLOAD_FAILED", "interrupted while downloading " + url, e);
        }
    }
}
