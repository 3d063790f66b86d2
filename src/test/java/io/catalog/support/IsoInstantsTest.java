package io.catalog.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** Instants written exactly as the JDK writes them and read as the JDK (or Jackson) reads them, on random instants. */
class IsoInstantsTest {

    private static final long SEED = 20261207L;
    /** Years 0 to 9999, the fast path's range. */
    private static final long MIN = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long MAX = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    /** The service's mapper: JacksonSetup, Quarkus' JDK time module, then IsoInstants (JacksonSetupTest). */
    private static ObjectMapper service() {
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());
        new JacksonSetup().customize(mapper);
        new JacksonSetup.Instants().customize(mapper);
        return mapper;
    }

    /** The same without IsoInstants: Jackson's own handling, the reference. */
    private static ObjectMapper jacksons() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    private static Instant random(SplittableRandom random) {
        long seconds = random.nextLong(MIN, MAX + 1);
        int nanos = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(seconds, nanos);
    }

    @Test
    void writesWhatTheJdkWritesAndReadsItBack() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 200_000; i++) {
            Instant instant = random(random);
            String text = IsoInstants.format(instant);
            assertThat(text).as("seed %d, #%d", SEED, i).isEqualTo(instant.toString());
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(instant);
        }
    }

    @Test
    void readsEveryFractionLengthAsTheJdkDoes() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 20_000; i++) {
            Instant whole = Instant.ofEpochSecond(random.nextLong(MIN, MAX + 1));
            String base = whole.toString().substring(0, 19);
            int digits = random.nextInt(1, 10);
            StringBuilder fraction = new StringBuilder();
            for (int d = 0; d < digits; d++) {
                fraction.append((char) ('0' + random.nextInt(10)));
            }
            String text = base + "." + fraction + "Z";
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void leavesEverythingElseToTheGeneralParser() {
        for (String text : List.of("2026-12-07T00:47:30+01:00", "2026-12-07T23:59:60Z", "2026-02-30T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-12-07T24:00:00Z", "2026-12-07T00:60:00Z", "2026-12-07 00:47:30Z",
                "2026-12-07T00:47:30.Z", "2026-12-07T00:47:30.1234567890Z", "2026-12-07T00:47:30", "+12026-12-07T00:47:30Z",
                "2026-12-0xT00:47:30Z", "", "Z")) {
            assertThat(IsoInstants.parse(text)).as(text).isNull();
        }
        assertThat(IsoInstants.format(Instant.parse("+12026-12-07T00:47:30Z"))).isEqualTo("+12026-12-07T00:47:30Z");
        assertThat(IsoInstants.format(Instant.parse("-0001-12-07T00:47:30Z"))).isEqualTo("-0001-12-07T00:47:30Z");
        for (Instant edge : List.of(Instant.MIN, Instant.MAX, Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59.999Z"), Instant.EPOCH)) {
            assertThat(IsoInstants.format(edge)).isEqualTo(edge.toString());
        }
    }

    record Stamped(Instant at) {
    }

    @Test
    void theServicesMapperReadsAndRefusesWhatJacksonDoes() throws JsonProcessingException {
        ObjectMapper service = service();
        ObjectMapper jacksons = jacksons();
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 2_000; i++) {
            Stamped stamped = new Stamped(random(random));
            assertThat(service.writeValueAsString(stamped)).isEqualTo(jacksons.writeValueAsString(stamped));
            assertThat(service.writer().with(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(stamped))
                    .as("numbers when a writer asks for them")
                    .isEqualTo(jacksons.writer().with(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                            .writeValueAsString(stamped));
        }
        for (String accepted : List.of("\"2026-12-07T00:47:30.5Z\"", "\"2026-12-07T00:47:30+01:00\"", "1765068450")) {
            String json = "{\"at\":" + accepted + "}";
            assertThat(service.readValue(json, Stamped.class)).as(json)
                    .isEqualTo(jacksons.readValue(json, Stamped.class));
        }
        for (String refused : List.of("\"2026-02-30T00:00:00Z\"", "\"yesterday\"", "true")) {
            String json = "{\"at\":" + refused + "}";
            assertThatThrownBy(() -> jacksons.readValue(json, Stamped.class)).as("Jackson refuses %s", json)
                    .isInstanceOf(JsonProcessingException.class);
            assertThatThrownBy(() -> service.readValue(json, Stamped.class)).as(json)
                    .isInstanceOf(JsonProcessingException.class);
        }
    }
}
