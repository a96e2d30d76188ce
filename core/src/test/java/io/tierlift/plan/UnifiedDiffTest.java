package io.tierlift.plan;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UnifiedDiffTest {
    private final UnifiedDiff diff = new UnifiedDiff();

    @Test
    void showsChangedLineWithContext() {
        String before = "a\nb\nc\nd\ne\nf\ng\nh\n";
        String after = "a\nb\nc\nd\nE\nf\ng\nh\n";
        String out = diff.diff("x.conf", before, after);
        assertThat(out).isEqualTo("""
                --- x.conf (live)
                +++ x.conf (planned)
                @@ -2,7 +2,7 @@
                 b
                 c
                 d
                -e
                +E
                 f
                 g
                 h
                """);
    }

    @Test
    void newFileIsAllAdditions() {
        assertThat(diff.diff("n", "", "one\ntwo\n")).contains("@@ -1,0 +1,2 @@\n+one\n+two\n");
    }

    @Test
    void separateHunksForDistantChanges() {
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            a.append("line").append(i).append('\n');
        }
        String b = a.toString().replace("line2\n", "LINE2\n").replace("line25\n", "LINE25\n");
        String out = diff.diff("f", a.toString(), b);
        assertThat(out.split("@@ -", -1)).hasSize(3);
    }
}
