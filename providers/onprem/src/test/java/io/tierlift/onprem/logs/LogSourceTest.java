package io.tierlift.onprem.logs;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** When each kind of line says it was written, in the formats the deployed services write. */
class LogSourceTest {
    private static final ZoneOffset HOST = ZoneOffset.ofHours(1);

    @Test
    void accessLogsCarryTheirOffset() {
        String nginx = "10.240.65.1 - - [07/Dec/2026:23:40:01 +0100] \"GET /api/notes HTTP/1.1\" 200 2 \"-\" \"curl/7.88\" "
                + "request_id=e2e-req-1234 request_time=0.004";
        assertThat(LogSource.NGINX_ACCESS.time(nginx, ZoneOffset.UTC)).contains(Instant.parse("2026-12-07T22:40:01Z"));
        String gunicorn = "10.240.65.10 - - [07/Dec/2026:22:40:01 +0000] \"GET /api/notes HTTP/1.0\" 200 2 \"-\" \"curl\" request_id=x";
        assertThat(LogSource.GUNICORN_ACCESS.time(gunicorn, HOST)).contains(Instant.parse("2026-12-07T22:40:01Z"));
    }

    @Test
    void nginxErrorLinesAreInTheHostsLocalTime() {
        assertThat(LogSource.NGINX_ERROR.time("2026/12/07 23:40:01 [warn] 12#12: *3 an upstream response is buffered", HOST))
                .contains(Instant.parse("2026-12-07T22:40:01Z"));
    }

    @Test
    void gunicornErrorLinesCarryTheirOffset() {
        assertThat(LogSource.GUNICORN_ERROR.time("[2026-12-07 22:40:01 +0000] [311] [INFO] Booting worker with pid: 311", HOST))
                .contains(Instant.parse("2026-12-07T22:40:01Z"));
    }

    @Test
    void postgresqlLinesKnowUtcAndNumericZonesAndTakeTheHostsForOtherNames() {
        String utc = "2026-12-07 22:40:01.250 UTC [88] notes@notes app=e2e-req-1234 LOG:  duration: 0.512 ms  statement: SELECT 1";
        assertThat(LogSource.POSTGRESQL.time(utc, HOST)).contains(Instant.parse("2026-12-07T22:40:01.250Z"));
        assertThat(LogSource.POSTGRESQL.time("2026-12-07 23:40:01.250 +01 [88] LOG:  x", ZoneOffset.UTC))
                .contains(Instant.parse("2026-12-07T22:40:01.250Z"));
        assertThat(LogSource.POSTGRESQL.time("2026-12-07 23:40:01.250 CET [88] LOG:  x", HOST))
                .contains(Instant.parse("2026-12-07T22:40:01.250Z"));
    }

    @Test
    void journalLinesReadWithOrWithoutAColonInTheOffset() {
        assertThat(LogSource.JOURNAL.time("2026-12-07T22:40:01.123456+00:00 app1 gunicorn[311]: GET /api/notes", HOST))
                .contains(Instant.parse("2026-12-07T22:40:01.123456Z"));
        assertThat(LogSource.JOURNAL.time("2026-12-07T23:40:01.123456+0100 app1 systemd[1]: Started notes-api.service", HOST))
                .contains(Instant.parse("2026-12-07T22:40:01.123456Z"));
    }

    @Test
    void aContinuationLineSaysNoTime() {
        assertThat(LogSource.GUNICORN_ERROR.time("Traceback (most recent call last):", HOST)).isEqualTo(Optional.empty());
        assertThat(LogSource.POSTGRESQL.time("\tFROM notes ORDER BY created_at", HOST)).isEmpty();
    }
}
