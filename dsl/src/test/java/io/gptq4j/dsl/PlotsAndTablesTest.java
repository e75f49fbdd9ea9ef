package io.gptq4j.dsl;

import static io.gptq4j.dsl.Dsl.bits;
import static io.gptq4j.dsl.Dsl.layers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.dsl.display.MimeBundle;
import io.gptq4j.dsl.table.Tables;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

class PlotsAndTablesTest {
    private static Session session;

    @TempDir
    Path tmp;

    @BeforeAll
    static void quantize() {
        System.setProperty("java.awt.headless", "true");
        session = Session.of(TestModels.stories260K()).calibration(TestModels.smallCalibration());
        session.quantize(layers(0, 2), bits(4).groupSize(32));
    }

    @Test
    void lossesTableHasOneRowPerModule() {
        Table t = session.losses();
        assertEquals(21, t.rowCount());
        assertEquals(List.of("step", "layer", "module", "bits", "group", "act-order", "avg loss", "relative error",
                "damp", "dead columns", "s"), t.columnNames());
        assertEquals("self_attn.k_proj", t.stringColumn("module").get(0));
        assertEquals(2, t.intColumn("layer").get(20));
        assertEquals(session.moduleResults().get(5).avgLoss(), t.doubleColumn("avg loss").get(5), 0.0);
    }

    @Test
    void tableExportsToCsv() throws Exception {
        Path csv = tmp.resolve("losses.csv");
        Tables.writeCsv(session.losses(), csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(22, lines.size());
        assertEquals("step,layer,module,bits,group,act-order,avg loss,relative error,damp,dead columns,s", lines.get(0));
        assertTrue(lines.get(1).startsWith("1,0,self_attn.k_proj,4,32,false,"), lines.get(1));
    }

    @Test
    void lossPlotHasOneSeriesPerModuleTypeOnLogAxis() throws Exception {
        XYChart chart = session.plotLosses();
        assertEquals(7, chart.getSeriesMap().size());
        assertTrue(chart.getSeriesMap().containsKey("down_proj"));
        assertTrue(chart.getStyler().isYAxisLogarithmic());
        assertNotBlank(chart);
    }

    @Test
    void otherChartsRender() throws Exception {
        assertNotBlank(session.plotRelativeError());
        assertNotBlank(session.plotRunningLoss());
        Comparison c = session.compare(TestModels.quickEval());
        assertEquals(3, c.rows().size());
        assertNotBlank(session.plotPerplexity());
        Table t = c.table();
        assertEquals(List.of("configuration", "bits", "group", "act-order", "layers quantized", "PPL",
                "Δ vs original %"), t.columnNames());
        assertEquals(3, t.intColumn("layers quantized").get(1));
        assertEquals(0.0, t.doubleColumn("Δ vs original %").get(0), 0.0);
        String html = (String) c.toMimeBundle().data().get(MimeBundle.TEXT_HTML);
        assertTrue(html.contains("<th>PPL</th>"), html);
    }

    @Test
    void stepResultRendersHtmlTable() {
        MimeBundle bundle = session.steps().get(0).toMimeBundle();
        String html = (String) bundle.data().get(MimeBundle.TEXT_HTML);
        assertTrue(html.contains("<td>self_attn.k_proj</td>"), html);
        assertTrue(((String) bundle.data().get(MimeBundle.TEXT_PLAIN)).startsWith("step 1: layers 0..2, 4-bit g32 sym: 21 modules"));
    }

    /** Renders the chart and checks it has the chart's size and far more than two colours. */
    static void assertNotBlank(Chart<?, ?> chart) throws Exception {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
        assertEquals(chart.getWidth(), image.getWidth());
        assertEquals(chart.getHeight(), image.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 20, "only " + colours.size() + " colours: the chart looks blank");
    }
}
