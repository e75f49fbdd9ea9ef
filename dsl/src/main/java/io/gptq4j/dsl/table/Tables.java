package io.gptq4j.dsl.table;

import io.gptq4j.dsl.ModuleResult;
import io.gptq4j.dsl.PerplexityRow;
import java.nio.file.Path;
import java.util.List;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Tablesaw tables of session results. The notebook kernel renders a {@link Table} as HTML;
 * {@link #writeCsv} exports one.
 */
public final class Tables {
    private Tables() {
    }

    /** Returns one row per quantized module: step, layer, module, settings, losses, damping, time. */
    public static Table losses(List<ModuleResult> results) {
        IntColumn step = IntColumn.create("step");
        IntColumn layer = IntColumn.create("layer");
        StringColumn module = StringColumn.create("module");
        IntColumn bits = IntColumn.create("bits");
        IntColumn group = IntColumn.create("group");
        BooleanColumn actOrder = BooleanColumn.create("act-order");
        DoubleColumn avgLoss = DoubleColumn.create("avg loss");
        DoubleColumn relErr = DoubleColumn.create("relative error");
        DoubleColumn damp = DoubleColumn.create("damp");
        IntColumn dead = IntColumn.create("dead columns");
        DoubleColumn seconds = DoubleColumn.create("s");
        for (ModuleResult r : results) {
            step.append(r.step());
            layer.append(r.layer());
            module.append(r.module());
            bits.append(r.spec().bits());
            group.append(r.spec().groupSize());
            actOrder.append(r.spec().isDescAct());
            avgLoss.append(r.avgLoss());
            relErr.append(r.relativeError());
            damp.append(r.dampPercentUsed());
            dead.append(r.deadColumns());
            seconds.append(r.seconds());
        }
        return Table.create("losses", step, layer, module, bits, group, actOrder, avgLoss, relErr, damp, dead, seconds);
    }

    /** Returns one row per evaluated configuration, with the perplexity change against the original. */
    public static Table perplexity(List<PerplexityRow> rows) {
        StringColumn configuration = StringColumn.create("configuration");
        IntColumn bits = IntColumn.create("bits");
        IntColumn group = IntColumn.create("group");
        BooleanColumn actOrder = BooleanColumn.create("act-order");
        IntColumn layers = IntColumn.create("layers quantized");
        DoubleColumn ppl = DoubleColumn.create("PPL");
        DoubleColumn delta = DoubleColumn.create("Δ vs original %");
        for (PerplexityRow r : rows) {
            configuration.append(r.configuration());
            bits.append(r.bits());
            group.append(r.groupSize());
            actOrder.append(r.descAct());
            layers.append(r.layersQuantized());
            ppl.append(r.perplexity());
            delta.append(r.deltaPercent());
        }
        return Table.create("perplexity", configuration, bits, group, actOrder, layers, ppl, delta);
    }

    /**
     * Returns one row per layer: the perplexity with only that layer quantized, and its change
     * against the original.
     */
    public static Table sensitivity(double originalPerplexity, double[] perplexityPerLayer) {
        IntColumn layer = IntColumn.create("layer");
        DoubleColumn ppl = DoubleColumn.create("PPL");
        DoubleColumn delta = DoubleColumn.create("Δ vs original %");
        for (int l = 0; l < perplexityPerLayer.length; l++) {
            layer.append(l);
            ppl.append(perplexityPerLayer[l]);
            delta.append(100 * (perplexityPerLayer[l] / originalPerplexity - 1));
        }
        return Table.create("sensitivity", layer, ppl, delta);
    }

    /** Writes a table as CSV with a header row. */
    public static void writeCsv(Table table, Path file) {
        table.write().csv(file.toFile());
    }
}
