package io.gptq4j.engine.quant;

/** The damped Hessian of a module is not positive definite, so GPTQ cannot run on it. */
public final class HessianNotPositiveDefiniteException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String module;
    private final double dampPercent;

    HessianNotPositiveDefiniteException(String module, double dampPercent, String detail) {
        super(module + ": the damped Hessian is not positive definite with dampPercent " + dampPercent + " (" + detail
                + "); raise --damp, or use --damp-policy increment or --damp-policy rtn");
        this.module = module;
        this.dampPercent = dampPercent;
    }

    public String module() {
        return module;
    }

    /** Returns the last damping fraction tried. */
    public double dampPercent() {
        return dampPercent;
    }
}
