package io.tierlift.diagram;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FlowchartTest {
    @Test
    void labelsCannotCloseTheirQuotesOrInjectSyntax() {
        assertThat(Flowchart.escape("say \"hi\"] --> x")).isEqualTo("say #quot;hi#quot;] --#gt; x");
        assertThat(Flowchart.escape("a#b<script>")).isEqualTo("a#35;b#lt;script#gt;");
        assertThat(Flowchart.escape("two\nlines")).isEqualTo("two<br/>lines");
    }

    @Test
    void idsAreLettersDigitsAndUnderscores() {
        assertThat(Flowchart.id("host", "web-1.dc")).isEqualTo("host_web_1_dc");
    }

    @Test
    void nestsSubgraphsAndQuotesEdgeLabels() {
        Flowchart chart = new Flowchart("LR");
        chart.root().subgraph("outer", "Outer \"zone\"").subgraph("inner", "inner").node("n1", "N1", Flowchart.Shape.BOX);
        chart.edge("a", "n1", Flowchart.Line.DOTTED, "5432 replication");
        assertThat(chart.text()).isEqualTo("""
                flowchart LR
                  subgraph outer["Outer #quot;zone#quot;"]
                    subgraph inner["inner"]
                      n1["N1"]
                    end
                  end
                  a -.->|"5432 replication"| n1
                """);
    }
}
