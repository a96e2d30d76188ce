package io.tierlift.plan;

/** What a plan will do to one resource, as Terraform names it. */
public enum Action {
    NO_OP(" ", "no change"),
    CREATE("+", "create"),
    UPDATE("~", "update"),
    REPLACE("-/+", "replace"),
    DELETE("-", "delete");

    private final String symbol;
    private final String verb;

    Action(String symbol, String verb) {
        this.symbol = symbol;
        this.verb = verb;
    }

    public String symbol() {
        return symbol;
    }

    public String verb() {
        return verb;
    }

    public boolean isChange() {
        return this != NO_OP;
    }
}
