package io.tierlift.render.onprem.backup;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CronScheduleTest {
    @ParameterizedTest(name = "{0} runs at cron ''{1}''")
    @CsvSource(delimiter = '|', value = {
            "Sun *-*-* 01:00:00      | 0 1 * * 0",
            "Mon..Sat *-*-* 01:00:00 | 0 1 * * 1-6",
            "Mon,Wed,Fri *-*-* 23:30 | 30 23 * * 1,3,5",
            "Monday..Friday *-*-* 2:05:00 | 5 2 * * 1-5",
            "*-*-* 04:15             | 15 4 * * *",
            "*-*-* *:*               | * * * * *",
            "*-*-* *:00:00           | 0 * * * *",
            "daily                   | 0 0 * * *",
            "weekly                  | 0 0 * * 1",
            "Daily                   | 0 0 * * *",
            "hourly                  | 0 * * * *",
            "minutely                | * * * * *",
            "monthly                 | 0 0 1 * *"})
    void aTimeOfDayOnSomeWeekdaysAndTheShorthandsHaveTheirExactCronForm(String event, String cron) {
        assertThat(CronSchedule.of(event)).contains(cron);
    }

    @ParameterizedTest(name = "{0} has no cron form")
    @ValueSource(strings = {"*-*-01 03:00:00", "2027-01-01 00:00:00", "Sun *-*-* 01:00:30", "*-*-* 25:00",
            "*-*-* 01:60", "Sat..Mon *-*-* 01:00", "Mond *-*-* 01:00", "Sun *-*-* 01,13:00", "*-*-* 01:00/15",
            "quarterly", "Sun *-*-* 01:00:00 UTC"})
    void aDateASecondAListOfTimesOrAnUnknownDayHasNoCronForm(String event) {
        assertThat(CronSchedule.of(event)).isEmpty();
    }
}
