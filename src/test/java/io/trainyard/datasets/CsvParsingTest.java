package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** sklearn's CSV files from Debian's python3-sklearn, rewritten with a normal header (see {@link TestData}). */
class CsvParsingTest {

    @Test
    void irisWithClassNamesAsText() throws IOException {
        Parsed iris = parse(TestData.sklearnCsv("iris.csv", "species", true), "species", null);

        assertThat(iris.count()).isEqualTo(150);
        assertThat(iris.shape().shape()).containsExactly(4);
        assertThat(iris.shape().featureNames()).containsExactly("f0", "f1", "f2", "f3");
        assertThat(iris.features()).startsWith(5.1f, 3.5f, 1.4f, 0.2f, 4.9f);
        TaskHints hints = iris.labels().hints("species");
        assertThat(hints.classes()).extracting(TaskHints.ClassCount::name, TaskHints.ClassCount::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("setosa", 50L),
                        org.assertj.core.groups.Tuple.tuple("versicolor", 50L),
                        org.assertj.core.groups.Tuple.tuple("virginica", 50L));
        assertThat(hints.target()).as("text labels cannot be regression targets").isNull();
        assertThat(iris.labels().classes()[0]).isZero();
        assertThat(iris.labels().classes()[149]).isEqualTo(2);
    }

    @Test
    void wineWithNumericClasses() throws IOException {
        Parsed wine = parse(TestData.sklearnCsv("wine_data.csv", "class", false), "class", null);

        assertThat(wine.count()).isEqualTo(178);
        assertThat(wine.shape().shape()).containsExactly(13);
        assertThat(wine.labels().hints("class").classes()).extracting(TaskHints.ClassCount::count)
                .containsExactly(59L, 71L, 48L);
        assertThat(wine.labels().targets()).as("integer labels may also serve regression").hasSize(178);
    }

    @Test
    void breastCancerWithAFeatureSubset() throws IOException {
        Parsed cancer = parse(TestData.sklearnCsv("breast_cancer.csv", "diagnosis", true), "diagnosis",
                List.of("f3", "f0"));

        assertThat(cancer.count()).isEqualTo(569);
        assertThat(cancer.shape().featureNames()).containsExactly("f3", "f0");
        assertThat(cancer.features()).startsWith(1001f, 17.99f);
        assertThat(cancer.labels().hints("diagnosis").classes())
                .extracting(TaskHints.ClassCount::name, TaskHints.ClassCount::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("benign", 357L),
                        org.assertj.core.groups.Tuple.tuple("malignant", 212L));
    }

    @Test
    void bostonHousePricesAsRegression() throws IOException {
        // This file already has a quoted header on its second line, after sklearn's count line.
        List<String> lines = Files.readAllLines(TestData.SKLEARN.resolve("boston_house_prices.csv"));
        String csv = String.join("\n", lines.subList(1, lines.size()));
        Parsed boston = parse(csv, "MEDV", null);

        assertThat(boston.count()).isEqualTo(506);
        assertThat(boston.shape().shape()).containsExactly(13);
        TaskHints hints = boston.labels().hints("MEDV");
        assertThat(hints.classes()).as("non-integer targets are not classes").isNull();
        assertThat(hints.target().mean()).isCloseTo(22.5328, within(1e-3));
        assertThat(hints.target().std()).isCloseTo(9.1880, within(1e-3));
        assertThat(hints.target().min()).isEqualTo(5.0);
        assertThat(hints.target().max()).isEqualTo(50.0);
    }

    @Test
    void namesLineAndColumnOfARaggedRow() {
        assertThatThrownBy(() -> parse("a,b,y\n1,2,x\n3,4,y\n5,6\n", "y", null))
                .isInstanceOf(BadDataException.class)
                .hasMessage("line 4: expected 3 values (one per header column), found 2");
    }

    @Test
    void namesLineAndColumnOfANonNumericValue() {
        assertThatThrownBy(() -> parse("a,b,y\n1,2,x\n3,four,y\n", "y", null))
                .hasMessage("line 3, column 'b': 'four' is not a number; feature columns must be numeric");
    }

    @Test
    void listsTheColumnsWhenTheLabelIsMissing() {
        assertThatThrownBy(() -> parse("a,b,y\n1,2,x\n", "target", null))
                .hasMessage("column 'target' is not in the header; available columns: [a, b, y]")
                .extracting(e -> ((BadDataException) e).field()).isEqualTo("label");
    }

    @Test
    void refusesMissingValuesAndNonFiniteNumbers() {
        assertThatThrownBy(() -> parse("a,b,y\n1,,x\n", "y", null)).hasMessageContaining("line 2, column 'b': empty");
        assertThatThrownBy(() -> parse("a,b,y\n1,NaN,x\n", "y", null)).hasMessageContaining("not a finite number");
    }

    @Test
    void handlesQuotesByteOrderMarkAndCrLf() throws IOException {
        Parsed parsed = parse("\uFEFF\"a\",\"b, c\",y\r\n1,2,\"yes, really\"\r\n3,4,no\r\n", "y", null);
        assertThat(parsed.shape().featureNames()).containsExactly("a", "b, c");
        assertThat(parsed.labels().classNames()).containsExactly("no", "yes, really");
    }

    @Test
    void refusesAnEmptyFileAndAHeaderWithoutRows() {
        assertThatThrownBy(() -> parse("", "y", null)).hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> parse("a,y\n", "y", null)).hasMessageContaining("no data rows");
    }

    private static Parsed parse(String csv, String label, List<String> features) throws IOException {
        return CsvParser.parse(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), label, features, 1000);
    }
}
