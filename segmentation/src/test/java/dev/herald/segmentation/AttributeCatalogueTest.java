package dev.herald.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import org.junit.jupiter.api.Test;

class AttributeCatalogueTest {
  @Test
  void theCasinoCatalogueHoldsHeraldsAndTheCasinoAttributes() {
    AttributeCatalogue c = AttributeCatalogue.casino();
    assertThat(c.attributes()).extracting(Attribute::name).contains(
        "push.enabled", "push.status", "push.devices.web_push", "push.devices.apns",
        "push.devices.fcm", "push.brands", "push.categories", "push.marketing_consent",
        "push.last_received_at", "push.last_clicked_at", "vip_level", "country", "language",
        "balance", "deposit_count", "deposit_sum", "registered_at", "last_login_at",
        "last_deposit_at", "rg.self_excluded", "rg.self_excluded_until", "rg.cooling_off", "rg.cooling_off_until",
        "rg.account_closed",
        "rg.deposit_limit", "tags");
    assertThat(c.find("categories")).map(Attribute::name).contains("push.categories");
    assertThat(c.find("push.enabled")).map(Attribute::heraldOwned).contains(true);
    assertThat(c.find("vip_level")).map(Attribute::type).contains(AttributeType.NUMBER);
    assertThat(c.find("nope")).isEmpty();
  }

  @Test
  void hostsDeclareTheirOwnAttributes() {
    AttributeCatalogue c = AttributeCatalogue.builder()
        .attribute("favourite_game", AttributeType.STRING, "most played game")
        .alias("game", "favourite_game")
        .build();
    assertThat(c.find("game")).map(Attribute::name).contains("favourite_game");
    assertThat(c.find("vip_level")).isEmpty();
    Condition parsed = RuleParser.of(c).parse("game starts with \"book-of\"");
    assertThat(parsed.toText()).isEqualTo("favourite_game starts with \"book-of\"");
  }

  @Test
  void heraldsNamesAreReservedAndDuplicatesRefused() {
    assertThatThrownBy(() -> AttributeCatalogue.builder().attribute("push.x", AttributeType.STRING))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("reserved");
    assertThatThrownBy(() -> AttributeCatalogue.builder().casinoAttributes()
        .attribute("country", AttributeType.STRING))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("already declared");
    assertThatThrownBy(() -> AttributeCatalogue.builder().attribute("2x", AttributeType.STRING))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> AttributeCatalogue.builder().alias("x", "nope"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not declared");
  }

  @Test
  void suggestionsAreCloseNames() {
    AttributeCatalogue c = AttributeCatalogue.casino();
    assertThat(c.suggestionsFor("vip_levle")).startsWith("vip_level");
    assertThat(c.suggestionsFor("contry")).containsExactly("country");
    assertThat(c.suggestionsFor("zzzzzzzzzz")).isEmpty();
  }
}
