package io.tierlift.onprem.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The chain of WAL segments a restore replays, read from the names pgBackRest's repo-ls prints. */
class WalArchiveTest {
    private static String segment(String name) {
        return "15-1/" + name.substring(0, 16) + "/" + name + "-" + "0123456789abcdef0123456789abcdef01234567" + ".gz";
    }

    private static String listing(String... names) {
        StringBuilder out = new StringBuilder("15-1\n15-1/0000000100000000\n15-1/0000000200000000\n15-1/00000002.history\n");
        for (String name : names) {
            out.append(name.startsWith("15-") || name.contains("/") ? name : segment(name)).append('\n');
        }
        return out.toString();
    }

    @Test
    void aFailoverContinuesTheChainOnTheNextTimelineFromTheSegmentHoldingTheSwitch() {
        WalArchive archive = WalArchive.parse(listing("000000010000000000000003", "000000010000000000000004",
                "000000010000000000000005", "15-1/0000000100000000/000000010000000000000006.partial-0123456789abcdef0123456789abcdef01234567.gz",
                "000000020000000000000006", "000000020000000000000007"));
        WalArchive.Continuity chain = archive.from("000000010000000000000003").orElseThrow();
        assertThat(chain.unbroken()).isTrue();
        assertThat(chain.timelines()).containsExactly(1L, 2L);
        assertThat(chain.to()).isEqualTo("000000020000000000000007");
    }

    @Test
    void aSegmentMissingBeforeTheSwitchOrOnTheNewTimelineIsAGapNamedAsARange() {
        WalArchive archive = WalArchive.parse(listing("000000010000000000000003", "000000010000000000000006",
                "000000020000000000000007", "00000002000000000000000A"));
        WalArchive.Continuity chain = archive.from("000000010000000000000003").orElseThrow();
        assertThat(chain.missing()).containsExactly("000000010000000000000004..000000010000000000000005",
                "000000020000000000000008..000000020000000000000009");
    }

    @Test
    void segmentNumbersCarryIntoTheNextLogFileAfterFF() {
        WalArchive archive = WalArchive.parse(listing("0000000100000000000000FE", "0000000100000000000000FF",
                "15-1/0000000100000001/000000010000000100000000-0123456789abcdef0123456789abcdef01234567.gz"));
        WalArchive.Continuity chain = archive.from("0000000100000000000000FE").orElseThrow();
        assertThat(chain.unbroken()).isTrue();
        assertThat(chain.to()).isEqualTo("000000010000000100000000");
    }

    @Test
    void aPartialSegmentDoesNotCountAsArchivedAndOnlyTheNewestArchiveIdIsRead() {
        WalArchive archive = WalArchive.parse(String.join("\n", List.of(
                "14-1/0000000100000000/000000010000000000000001-0123456789abcdef0123456789abcdef01234567.gz",
                "15-2/0000000100000000/000000010000000000000005-0123456789abcdef0123456789abcdef01234567.gz",
                "15-2/0000000100000000/000000010000000000000006.partial-0123456789abcdef0123456789abcdef01234567.gz",
                "15-2/0000000100000000/000000010000000000000007-0123456789abcdef0123456789abcdef01234567.gz")));
        assertThat(archive.from("000000010000000000000005").orElseThrow().missing()).containsExactly("000000010000000000000006");
    }

    @Test
    void anEmptyArchiveHasNoChain() {
        assertThat(WalArchive.parse("").from("000000010000000000000003")).isEmpty();
    }
}
