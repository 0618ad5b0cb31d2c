package com.m0club.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class DemarginProperties {

    /** A true probability vector (2..8 outcomes, each >= 0.005) and a margin in [0, 0.3]. */
    record Book(double[] p, double margin) {
        double[] fairOdds() {
            double[] o = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                o[i] = 1 / p[i];
            }
            return o;
        }

        /** Odds with the margin spread proportionally (implied = p * (1 + margin)). */
        double[] proportionalOdds() {
            double[] o = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                o[i] = 1 / (p[i] * (1 + margin));
            }
            return o;
        }
    }

    @Provide
    Arbitrary<Book> books() {
        Arbitrary<double[]> weights = Arbitraries.doubles().between(0.01, 1.0).array(double[].class).ofMinSize(2)
                .ofMaxSize(8);
        return Combinators.combine(weights, Arbitraries.doubles().between(0.0, 0.3)).as((w, m) -> {
            double s = 0;
            for (double x : w) {
                s += x;
            }
            double[] p = new double[w.length];
            double t = 0;
            for (int i = 0; i < w.length; i++) {
                p[i] = Math.max(0.005, w[i] / s);
                t += p[i];
            }
            for (int i = 0; i < p.length; i++) {
                p[i] /= t;
            }
            return new Book(p, m);
        });
    }

    @Property(tries = 500)
    void outputIsAProbabilityVectorWithNonNegativeMargin(@ForAll("books") Book book) {
        double[] odds = book.proportionalOdds();
        for (double o : odds) {
            if (o <= 1.0) {
                return; // not a valid book (an outcome above 1 / (1 + margin)); ingest rejects it
            }
        }
        Demargin.Result r = Demargin.bookmaker(odds).orElseThrow();
        double sum = 0;
        for (double p : r.probabilities()) {
            assertThat(p).isBetween(0.0, 1.0);
            sum += p;
        }
        assertThat(sum).isCloseTo(1.0, offset(1e-9));
        assertThat(r.margin()).isGreaterThanOrEqualTo(0.0).isCloseTo(book.margin(), offset(1e-9));
    }

    @Property(tries = 300)
    void reducesToTheInputWithoutMargin(@ForAll("books") Book book) {
        Demargin.Result r = Demargin.bookmaker(book.fairOdds()).orElseThrow();
        assertThat(r.margin()).isCloseTo(0.0, offset(1e-9));
        for (int i = 0; i < book.p().length; i++) {
            assertThat(r.probabilities()[i]).isCloseTo(book.p()[i], offset(1e-9));
        }
    }

    @Property(tries = 300)
    void shinPreservesTheOrderOfTheOdds(@ForAll("books") Book book) {
        double[] odds = book.proportionalOdds();
        for (double o : odds) {
            if (o <= 1.0) {
                return;
            }
        }
        Demargin.Result r = Demargin.bookmaker(odds).orElseThrow();
        for (int i = 0; i < odds.length; i++) {
            for (int j = 0; j < odds.length; j++) {
                if (odds[i] < odds[j]) {
                    assertThat(r.probabilities()[i]).isGreaterThanOrEqualTo(r.probabilities()[j] - 1e-12);
                }
            }
        }
    }
}
