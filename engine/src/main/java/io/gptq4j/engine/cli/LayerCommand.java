package io.gptq4j.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gptq4j.engine.io.ModelFormatException;
import io.gptq4j.engine.io.SafeTensors;
import io.gptq4j.engine.io.SafeTensorsWriter;
import io.gptq4j.engine.quant.Gptq;
import io.gptq4j.engine.quant.Hessian;
import io.gptq4j.engine.quant.QuantConfig;
import io.gptq4j.engine.quant.QuantResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gptq4j layer}: GPTQ on one weight matrix from a safetensors file holding {@code W}
 * (rows, cols) and calibration inputs {@code X} (nseq, seqlen, cols); each sequence is one
 * calibration sample.
 */
@Command(name = "layer", mixinStandardHelpOptions = true,
        description = "Quantize one weight W (rows, cols) with GPTQ on calibration inputs X (nseq, seqlen, cols) "
                + "and write Q, qint, scale, zero and g_idx (and perm with --act-order).")
public final class LayerCommand implements Callable<Integer> {
    @Option(names = "--in", required = true, description = "Input safetensors file with tensors W and X.")
    Path in;

    @Option(names = "--out", required = true, description = "Output safetensors file.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Mixin
    QuantOptions quant;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        QuantConfig config = quant.toConfig();
        SafeTensors st = SafeTensors.open(in);
        long[] wShape = st.info("W").shape();
        long[] xShape = st.info("X").shape();
        if (wShape.length != 2) {
            throw new ModelFormatException(in, "tensor 'W' has shape " + Arrays.toString(wShape) + ", expected (rows, cols)");
        }
        if (xShape.length != 3 || xShape[2] != wShape[1]) {
            throw new ModelFormatException(in, "tensor 'X' has shape " + Arrays.toString(xShape)
                    + ", expected (nseq, seqlen, " + wShape[1] + ")");
        }
        int rows = Math.toIntExact(wShape[0]);
        int cols = Math.toIntExact(wShape[1]);
        int nseq = Math.toIntExact(xShape[0]);
        int seqlen = Math.toIntExact(xShape[1]);
        float[] w = st.floats("W");
        float[] x = st.floats("X");

        String label = in.getFileName().toString();
        Hessian hessian = new Hessian(label, cols);
        for (int s = 0; s < nseq; s++) {
            hessian.add(Arrays.copyOfRange(x, s * seqlen * cols, (s + 1) * seqlen * cols), seqlen);
        }
        QuantResult r = Gptq.quantize(label, w, rows, cols, hessian, config);

        SafeTensorsWriter writer = new SafeTensorsWriter()
                .addF32("Q", r.weight(), rows, cols)
                .addI32("qint", r.qint(), rows, cols)
                .addF32("scale", r.scale(), rows, r.ngroups())
                .addF32("zero", r.zero(), rows, r.ngroups())
                .addI32("g_idx", r.gIdx(), cols);
        if (config.descAct()) {
            writer.addI32("perm", r.perm(), cols);
        }
        writer.metadata("bits", Integer.toString(config.bits()))
                .metadata("group_size", Integer.toString(config.groupSize()))
                .metadata("sym", Boolean.toString(config.sym()))
                .metadata("desc_act", Boolean.toString(config.descAct()))
                .write(out);
        print(r);
        return 0;
    }

    private void print(QuantResult r) {
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("loss_sum", r.lossSum()).put("avg_loss", r.avgLoss()).put("token_loss", r.tokenLoss())
                    .put("relative_error", r.relativeError()).put("damp", r.dampPercentUsed())
                    .put("nsamples", r.nsamples()).put("ntokens", r.ntokens())
                    .put("fell_back_to_rtn", r.fellBackToRtn()).put("seconds", r.totalSeconds());
            node.putArray("dead_columns").addAll(r.deadColumns().stream()
                    .map(k -> node.numberNode(k)).toList());
            pw.println(node);
        } else {
            pw.printf(Locale.ROOT, "loss_sum %.7g%n", r.lossSum());
            pw.printf(Locale.ROOT, "avg_loss %.7g%n", r.avgLoss());
            pw.printf(Locale.ROOT, "damp %s%n", r.dampPercentUsed());
            pw.printf(Locale.ROOT, "relative_error %.4g%n", r.relativeError());
            if (r.fellBackToRtn()) {
                pw.println("fell back to round-to-nearest: the Hessian could not be factored");
            }
        }
        pw.flush();
    }
}
