package dev.herald.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class SegmentRegistryTest {
  private final TestClock clock = TestClock.at("2026-03-15T12:00:00Z");
  private final AttributeCatalogue catalogue = AttributeCatalogue.casino();
  private final SegmentRegistry registry =
      new SegmentRegistry(SegmentStore.inMemory(), catalogue, clock);

  @Test
  void definingStoresTheCanonicalJson() {
    SavedSegment saved = registry.define("de-at", "German-speaking markets",
        "country in (\"DE\",\"AT\")");
    assertThat(saved.rules())
        .isEqualTo("{\"attribute\":\"country\",\"op\":\"in\",\"values\":[\"DE\",\"AT\"]}");
    assertThat(saved.updatedAt()).isEqualTo(Instant.parse("2026-03-15T12:00:00Z"));
    assertThat(registry.find("de-at")).contains(saved);
    assertThat(registry.condition("de-at")).contains(
        RuleParser.of(catalogue).parse("country in (\"DE\", \"AT\")"));
    assertThat(registry.all()).extracting(SavedSegment::id).containsExactly("de-at");
  }

  @Test
  void referencesMustExistAndAreReportedWhereWritten() {
    assertThatThrownBy(() -> registry.define("vip", "vip_level >= 3 and\n segment \"de-at\""))
        .isInstanceOfSatisfying(SegmentRuleException.class, e -> {
          assertThat(e.reason()).isEqualTo("unknown segment 'de-at'");
          assertThat(e.line()).isEqualTo(2);
          assertThat(e.column()).isEqualTo(10);
        });
    assertThat(registry.find("vip")).isEmpty();
  }

  @Test
  void aSegmentCannotReferToItself() {
    registry.define("a", "push.enabled");
    assertThatThrownBy(() -> registry.define("a", "push.enabled and segment \"a\""))
        .isInstanceOf(SegmentRuleException.class)
        .hasMessageContaining("cannot refer to itself");
  }

  @Test
  void redefinitionsThatWouldCloseACycleAreRefused() {
    registry.define("a", "push.enabled");
    registry.define("b", "segment \"a\" and vip_level > 1");
    registry.define("c", "{\"any\": [{\"segment\": \"b\"}, {\"segment\": \"a\"}]}");
    assertThatThrownBy(() -> registry.define("a", "{\"not\": {\"segment\": \"c\"}}"))
        .isInstanceOfSatisfying(SegmentRuleException.class, e -> {
          assertThat(e.reason()).isEqualTo(
              "referring to 'c' would form a cycle: a → c → b → a");
          assertThat(e.line()).isEqualTo(1);
          assertThat(e.column()).isEqualTo(21);
        });
    assertThat(registry.condition("a")).contains(RuleParser.of(catalogue).parse("push.enabled"));
  }

  @Test
  void compilingInlinesReferencesAndSharesDiamonds() {
    registry.define("base", "push.enabled");
    registry.define("left", "segment \"base\" and vip_level >= 3");
    registry.define("right", "segment \"base\" and country = \"DE\"");
    registry.define("top", "segment \"left\" or segment \"right\"");
    CompiledSegment top = CompiledSegment.compile(registry.condition("top").orElseThrow(),
        catalogue, registry::condition);
    assertThat(top.expanded()).isEqualTo(RuleParser.of(catalogue).parse(
        "(push.enabled and vip_level >= 3) or (push.enabled and country = \"DE\")"));
    assertThat(top.matches(PlayerAttributes.of(Map.of("push.enabled", true, "country", "DE")),
        clock.instant())).isTrue();
  }

  @Test
  void cyclesMadeBehindTheRegistrysBackAreCaughtWhenCompiling() {
    SegmentStore store = SegmentStore.inMemory();
    SegmentRegistry r = new SegmentRegistry(store, catalogue, clock);
    r.define("a", "push.enabled");
    r.define("b", "segment \"a\"");
    // another Herald instance (or a hand-written SQL update) rewrites a
    store.save(new SavedSegment("a", "", "{\"segment\":\"b\"}", clock.instant()));
    assertThatThrownBy(() -> CompiledSegment.compile(r.condition("b").orElseThrow(), catalogue,
        r::condition))
        .isInstanceOf(SegmentRuleException.class)
        .hasMessage("segments refer to each other in a cycle: a → b → a");
  }

  @Test
  void deletingASegmentOthersReferToIsRefused() {
    registry.define("a", "push.enabled");
    registry.define("b", "segment \"a\"");
    registry.define("c", "not segment \"a\"");
    assertThat(registry.referencedBy("a")).containsExactly("b", "c");
    assertThatThrownBy(() -> registry.delete("a"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'a' is referred to by b, c");
    assertThat(registry.delete("b")).isTrue();
    assertThat(registry.delete("c")).isTrue();
    assertThat(registry.delete("a")).isTrue();
    assertThat(registry.delete("a")).isFalse();
  }

  @Test
  void storedRulesThatNoLongerFitTheCatalogueNameTheSegment() {
    SegmentStore store = SegmentStore.inMemory();
    new SegmentRegistry(store, catalogue, clock).define("v", "vip_level >= 3");
    SegmentRegistry narrower = new SegmentRegistry(store, AttributeCatalogue.heraldOnly(), clock);
    assertThatThrownBy(() -> narrower.condition("v"))
        .isInstanceOf(SegmentRuleException.class)
        .hasMessageContaining("stored segment 'v' no longer fits the catalogue")
        .hasMessageContaining("unknown attribute 'vip_level'");
  }

  @Test
  void idsAreValidated() {
    assertThatThrownBy(() -> registry.define("has space", "push.enabled"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("segmentId");
    assertThat(registry.find("has space")).isEmpty();
  }

  /** A host store over its own "table": the registry needs only the four SPI methods. */
  static final class TableStore implements SegmentStore {
    final Map<String, SavedSegment> rows = new ConcurrentHashMap<>();
    int finds;

    @Override
    public Optional<SavedSegment> find(String id) {
      finds++;
      return Optional.ofNullable(rows.get(id));
    }

    @Override
    public void save(SavedSegment segment) {
      rows.put(segment.id(), segment);
    }

    @Override
    public boolean delete(String id) {
      return rows.remove(id) != null;
    }

    @Override
    public List<SavedSegment> all() {
      return List.copyOf(rows.values());
    }
  }

  @Test
  void aHostStoreIsTheSourceOfTruth() {
    TableStore table = new TableStore();
    SegmentRegistry r = new SegmentRegistry(table, catalogue, clock);
    r.define("v", "vip_level >= 3");
    assertThat(table.rows).containsKey("v");
    // an edit made directly in the table is seen at the next read
    table.rows.put("v", new SavedSegment("v", "", "{\"attribute\":\"vip_level\",\"op\":\">=\","
        + "\"value\":5}", clock.instant()));
    assertThat(r.condition("v").orElseThrow().toText()).isEqualTo("vip_level >= 5");
  }
}
