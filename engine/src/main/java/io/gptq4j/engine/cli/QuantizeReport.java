package io.gptq4j.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gptq4j.engine.quant.CalibrationWindows;
import io.gptq4j.engine.quant.ModuleResult;
import io.gptq4j.engine.quant.QuantConfig;
import io.gptq4j.engine.quant.QuantizationRun;
import java.io.PrintWriter;
import java.util.Locale;

/** The output of {@code gptq4j quantize}: a per-module table or one JSON object. */
record QuantizeReport(QuantConfig config, String method, CalibrationWindows calibration, QuantizationRun run,
                      Double perplexityBefore, Double perplexityAfter) {

    void printTable(PrintWriter pw) {
        pw.printf(Locale.ROOT, "%-5s %-16s %12s %12s %8s %7s %8s%n", "layer", "module", "avg loss", "rel. error",
                "samples", "damp", "seconds");
        for (ModuleResult m : run.modules()) {
            pw.printf(Locale.ROOT, "%-5d %-16s %12s %12s %8d %7s %8.3f%n", m.layer(), m.module().hfName(),
                    orDash(m.avgLoss(), "%.6g"), orDash(m.relativeError(), "%.4g"), m.nsamples(),
                    orDash(m.dampPercentUsed(), "%.4f"), m.seconds());
        }
        pw.printf(Locale.ROOT, "%d modules in %.2f s%n", run.modules().size(), run.seconds());
        if (perplexityBefore != null) {
            pw.printf(Locale.ROOT, "perplexity before %.6f%n", perplexityBefore);
            pw.printf(Locale.ROOT, "perplexity after  %.6f (%+.2f %%)%n", perplexityAfter,
                    100 * (perplexityAfter / perplexityBefore - 1));
        }
    }

    ObjectNode toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("method", method);
        ObjectNode c = root.putObject("config");
        c.put("bits", config.bits())
                .put("groupSize", config.groupSize())
                .put("sym", config.sym())
                .put("descAct", config.descAct())
                .put("staticGroups", config.staticGroups())
                .put("dampPercent", config.dampPercent())
                .put("mse", config.mse());

        if (calibration != null) {
            ObjectNode cal = root.putObject("calibration");
            cal.put("nsamples", calibration.nsamples())
                    .put("seqlen", calibration.seqlen())
                    .put("sampling", calibration.sampling().name().toLowerCase(Locale.ROOT))
                    .put("seed", calibration.seed())
                    .put("text_sha256", calibration.textSha256())
                    .put("windows_sha256", calibration.windowsSha256());
        }

        ArrayNode modules = root.putArray("modules");
        for (ModuleResult m : run.modules()) {
            ObjectNode node = modules.addObject();
            node.put("layer", m.layer())
                    .put("module", m.module().hfName())
                    .put("outcome", m.outcome().name().toLowerCase(Locale.ROOT));
            putNumber(node, "avg_loss", m.avgLoss());
            putNumber(node, "loss_sum", m.lossSum());
            putNumber(node, "relative_error", m.relativeError());
            node.put("nsamples", m.nsamples()).put("ntokens", m.ntokens());
            putNumber(node, "damp", m.dampPercentUsed());
            node.put("seconds", m.seconds());
        }

        root.put("seconds", run.seconds());
        putNumber(root, "perplexity_before", perplexityBefore);
        putNumber(root, "perplexity_after", perplexityAfter);
        return root;
    }

    /** JSON has no NaN: RTN losses and skipped evaluations are written as null. */
    private static void putNumber(ObjectNode node, String key, Double value) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    /** RTN has no loss and no damping; the table shows "-" where JSON writes null. */
    private static String orDash(double value, String format) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }
}
