package dev.herald.internal.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.InvalidInputException;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.Schedule;
import dev.herald.content.Content;
import dev.herald.content.ContentKind;
import dev.herald.content.LiveActivity;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.content.Purpose;
import dev.herald.content.Urgency;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.CapWindow;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.FrequencyCap;
import dev.herald.dispatch.QuietHours;
import dev.herald.dispatch.Variant;
import dev.herald.subscription.Brand;
import dev.herald.subscription.TargetDevices;
import dev.herald.internal.Excerpt;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes and reads campaign definitions as JSON, so a host's {@code CampaignStore} can keep them
 * in a text column. The format is Herald's own and versioned ({@code "v": 1}).
 */
public final class CampaignJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CampaignJson() {}

  /**
   * Encodes a campaign.
   *
   * @param c the campaign
   * @return the JSON text
   */
  public static String write(Campaign c) {
    ObjectNode root = JSON.createObjectNode();
    root.put("v", 1);
    root.put("id", c.id());
    root.put("name", c.name());
    root.set("audience", audience(c.audience()));
    if (c.content() != null) {
      root.set("content", content(c.content()));
    } else {
      ArrayNode variants = root.putArray("variants");
      for (Variant v : c.variants()) {
        ObjectNode n = variants.addObject();
        n.put("id", v.id());
        n.put("weight", v.weight());
        n.set("content", content(v.content()));
      }
    }
    root.put("controlShare", c.controlShare());
    root.put("targetDevices", c.targetDevices().name());
    c.brand().ifPresent(brand -> root.put("brand", brand.id()));
    root.set("schedule", schedule(c.schedule()));
    root.set("policy", policy(c.policy()));
    return root.toString();
  }

  /**
   * Decodes a campaign written by {@link #write}.
   *
   * @param text the JSON text
   * @return the campaign
   * @throws InvalidInputException when the text is not a campaign definition; nothing else
   */
  public static Campaign read(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("campaign", "stored definition is not JSON (" + (e.getLocation() == null
          ? "malformed" : "at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr()) + ")");
    }
    if (root == null || root.path("v").asInt() != 1) {
      throw new InvalidInputException("campaign", "stored definition has an unknown format");
    }
    try {
      return read(root);
    } catch (InvalidInputException e) {
      throw e;
    } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
      // an enum name, a time, a zone or a number that was edited into something else
      throw new InvalidInputException("campaign", "stored definition is malformed: "
          + Excerpt.of(String.valueOf(e.getMessage()), 120));
    }
  }

  private static Campaign read(JsonNode root) {
    Campaign.Builder b = Campaign.builder(text(root, "id"), text(root, "name"))
        .audience(audience(root.path("audience")))
        .controlShare(root.path("controlShare").asDouble())
        .targetDevices(TargetDevices.valueOf(text(root, "targetDevices")))
        .brand(root.hasNonNull("brand") ? Brand.of(text(root, "brand")) : null)
        .schedule(schedule(root.path("schedule")))
        .policy(policy(root.path("policy")));
    if (root.has("content")) {
      b.content(content(root.path("content")));
    } else {
      for (JsonNode v : root.path("variants")) {
        b.variant(new Variant(text(v, "id"), v.path("weight").asInt(), content(v.path("content"))));
      }
    }
    return b.build();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.isTextual()) {
      throw new InvalidInputException("campaign." + field, "missing from the stored definition");
    }
    return value.asText();
  }

  private static String optional(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : null;
  }

  // ------------------------------------------------------------------------------- audience

  private static JsonNode audience(Audience a) {
    ObjectNode n = JSON.createObjectNode();
    if (a instanceof Audience.Segment s) {
      n.put("kind", "segment");
      n.put("segmentId", s.segmentId());
    } else if (a instanceof Audience.Players p) {
      n.put("kind", "players");
      ArrayNode ids = n.putArray("playerIds");
      p.playerIds().forEach(ids::add);
    } else {
      n.put("kind", "everyone");
    }
    return n;
  }

  private static Audience audience(JsonNode n) {
    return switch (text(n, "kind")) {
      case "segment" -> Audience.segment(text(n, "segmentId"));
      case "players" -> {
        List<String> ids = new ArrayList<>();
        n.path("playerIds").forEach(id -> ids.add(id.asText()));
        yield Audience.players(ids);
      }
      default -> Audience.everyone();
    };
  }

  // -------------------------------------------------------------------------------- content

  private static JsonNode content(Content c) {
    ObjectNode n = JSON.createObjectNode();
    n.set("default", template(c.defaultTemplate()));
    ObjectNode locales = n.putObject("locales");
    c.variantsByLanguageTag().forEach((tag, t) -> locales.set(tag, template(t)));
    ObjectNode defaults = n.putObject("defaults");
    c.defaults().forEach(defaults::put);
    return n;
  }

  private static Content content(JsonNode n) {
    Content.Builder b = Content.builder(template(n.path("default")));
    Iterator<Map.Entry<String, JsonNode>> locales = n.path("locales").fields();
    while (locales.hasNext()) {
      Map.Entry<String, JsonNode> e = locales.next();
      b.locale(Locale.forLanguageTag(e.getKey()), template(e.getValue()));
    }
    Iterator<Map.Entry<String, JsonNode>> defaults = n.path("defaults").fields();
    while (defaults.hasNext()) {
      Map.Entry<String, JsonNode> e = defaults.next();
      b.defaultValue(e.getKey(), e.getValue().asText());
    }
    return b.build();
  }

  private static JsonNode template(MessageTemplate t) {
    ObjectNode n = JSON.createObjectNode();
    ObjectNode type = n.putObject("type");
    type.put("name", t.type().name());
    type.put("purpose", t.type().purpose().name());
    type.put("category", t.type().category());
    if (!t.type().sharedCaps()) {
      type.put("sharedCaps", false);
    }
    if (t.kind() != ContentKind.VISIBLE) {
      n.put("kind", t.kind().name());
    }
    t.liveActivity().ifPresent(a -> {
      ObjectNode an = n.putObject("liveActivity");
      an.put("activityId", a.activityId());
      an.put("event", a.event().name());
      an.put("contentState", a.contentStateJson());
      a.timestamp().ifPresent(v -> an.put("timestamp", v.toString()));
      a.staleDate().ifPresent(v -> an.put("staleDate", v.toString()));
      a.dismissalDate().ifPresent(v -> an.put("dismissalDate", v.toString()));
    });
    t.title().ifPresent(v -> n.put("title", v));
    t.body().ifPresent(v -> n.put("body", v));
    t.icon().ifPresent(v -> n.put("icon", v));
    t.image().ifPresent(v -> n.put("image", v));
    t.badge().ifPresent(v -> n.put("badge", v));
    t.sound().ifPresent(v -> n.put("sound", v));
    t.deepLink().ifPresent(v -> n.put("deepLink", v));
    t.collapseKey().ifPresent(v -> n.put("collapseKey", v));
    t.category().ifPresent(v -> n.put("category", v));
    n.put("ttlSeconds", t.ttl().getSeconds());
    n.put("urgency", t.urgency().name());
    ArrayNode actions = n.putArray("actions");
    for (MessageTemplate.ActionTemplate a : t.actions()) {
      ObjectNode an = actions.addObject();
      an.put("id", a.id());
      an.put("title", a.title());
      a.link().ifPresent(l -> an.put("link", l));
    }
    ObjectNode data = n.putObject("data");
    t.data().forEach(data::put);
    return n;
  }

  private static MessageTemplate template(JsonNode n) {
    JsonNode type = n.path("type");
    NotificationType notificationType = type(text(type, "name"),
        Purpose.valueOf(text(type, "purpose")), text(type, "category"));
    if (!type.path("sharedCaps").asBoolean(true)
        && !List.of(NotificationType.builtIns()).contains(notificationType)) {
      notificationType = notificationType.withoutSharedCaps(); // a built-in always shares caps
    }
    String kind = optional(n, "kind");
    MessageTemplate.Builder b = MessageTemplate.builder()
        .kind(kind == null ? ContentKind.VISIBLE : ContentKind.valueOf(kind))
        .type(notificationType)
        .title(kind == null ? text(n, "title") : optional(n, "title"))
        .body(optional(n, "body"))
        .icon(optional(n, "icon"))
        .image(optional(n, "image"))
        .sound(optional(n, "sound"))
        .deepLink(optional(n, "deepLink"))
        .collapseKey(optional(n, "collapseKey"))
        .category(optional(n, "category"))
        .ttl(Duration.ofSeconds(n.path("ttlSeconds").asLong()))
        .urgency(Urgency.valueOf(text(n, "urgency")));
    if (n.path("badge").isInt()) {
      b.badge(n.path("badge").asInt());
    }
    for (JsonNode a : n.path("actions")) {
      b.action(text(a, "id"), text(a, "title"), optional(a, "link"));
    }
    Iterator<Map.Entry<String, JsonNode>> data = n.path("data").fields();
    while (data.hasNext()) {
      Map.Entry<String, JsonNode> e = data.next();
      b.data(e.getKey(), e.getValue().asText());
    }
    JsonNode activity = n.path("liveActivity");
    if (activity.isObject()) {
      LiveActivity.Builder a = LiveActivity.Event.valueOf(text(activity, "event"))
          == LiveActivity.Event.END ? LiveActivity.end(text(activity, "activityId"))
          : LiveActivity.update(text(activity, "activityId"));
      a.contentStateJson(text(activity, "contentState"))
          .timestamp(instant(activity, "timestamp"))
          .staleDate(instant(activity, "staleDate"))
          .dismissalDate(instant(activity, "dismissalDate"));
      b.liveActivity(a.build());
    }
    return b.build();
  }

  private static Instant instant(JsonNode node, String field) {
    String value = optional(node, field);
    return value == null ? null : Instant.parse(value);
  }

  private static NotificationType type(String name, Purpose purpose, String category) {
    // Built-in names are reserved: a definition stored before they were (a custom type that
    // borrowed one) reads back as the built-in type, whose consent and guard rules then apply.
    for (NotificationType t : NotificationType.builtIns()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return NotificationType.custom(name, purpose, category);
  }

  // ------------------------------------------------------------------------------- schedule

  private static JsonNode schedule(Schedule s) {
    ObjectNode n = JSON.createObjectNode();
    if (s instanceof Schedule.At at) {
      n.put("kind", "at");
      n.put("at", at.at().toString());
    } else if (s instanceof Schedule.Recurring r) {
      n.put("kind", "recurring");
      n.put("cron", r.cron());
      n.put("zone", r.zone().getId());
      r.until().ifPresent(u -> n.put("until", u.toString()));
    } else if (s instanceof Schedule.PlayerLocal l) {
      n.put("kind", "playerLocal");
      n.put("time", l.time().toString());
      l.date().ifPresent(d -> n.put("date", d.toString()));
      ArrayNode days = n.putArray("days");
      l.days().stream().sorted().forEach(d -> days.add(d.name()));
      n.put("fallbackZone", l.fallbackZone().getId());
      l.until().ifPresent(u -> n.put("until", u.toString()));
    } else {
      n.put("kind", "now");
    }
    return n;
  }

  private static Schedule schedule(JsonNode n) {
    return switch (text(n, "kind")) {
      case "at" -> Schedule.at(Instant.parse(text(n, "at")));
      case "recurring" -> {
        Schedule.Recurring r = (Schedule.Recurring) Schedule.recurring(text(n, "cron"),
            ZoneId.of(text(n, "zone")));
        String until = optional(n, "until");
        yield until == null ? r : r.until(Instant.parse(until));
      }
      case "playerLocal" -> {
        String date = optional(n, "date");
        java.util.Set<DayOfWeek> days = java.util.EnumSet.noneOf(DayOfWeek.class);
        n.path("days").forEach(d -> days.add(DayOfWeek.valueOf(d.asText())));
        String until = optional(n, "until");
        yield new Schedule.PlayerLocal(LocalTime.parse(text(n, "time")),
            Optional.ofNullable(date).map(LocalDate::parse), days,
            ZoneId.of(text(n, "fallbackZone")),
            Optional.ofNullable(until).map(Instant::parse));
      }
      default -> Schedule.now();
    };
  }

  // --------------------------------------------------------------------------------- policy

  private static JsonNode policy(DeliveryPolicy p) {
    ObjectNode n = JSON.createObjectNode();
    ArrayNode caps = n.putArray("caps");
    for (FrequencyCap cap : p.caps()) {
      ObjectNode c = caps.addObject();
      c.put("scope", cap.scope().name());
      c.put("key", cap.key());
      c.put("max", cap.max());
      cap.window().rolling().ifPresent(d -> c.put("rollingSeconds", d.getSeconds()));
      if (cap.window().localDays() > 0) {
        c.put("localDays", cap.window().localDays());
      }
    }
    p.quietHours().ifPresent(q -> {
      ObjectNode qn = n.putObject("quietHours");
      qn.put("start", q.start().toString());
      qn.put("end", q.end().toString());
      qn.put("mode", q.mode().name());
      qn.put("defaultZone", q.defaultZone().getId());
    });
    p.messagesPerSecond().ifPresent(r -> n.put("messagesPerSecond", r));
    p.deadline().ifPresent(d -> n.put("deadline", d.toString()));
    n.put("serviceBypassesCaps", p.serviceBypassesCaps());
    n.put("serviceBypassesQuietHours", p.serviceBypassesQuietHours());
    return n;
  }

  private static DeliveryPolicy policy(JsonNode n) {
    DeliveryPolicy.Builder b = DeliveryPolicy.builder();
    for (JsonNode c : n.path("caps")) {
      CapWindow window = c.has("rollingSeconds")
          ? CapWindow.rolling(Duration.ofSeconds(c.path("rollingSeconds").asLong()))
          : CapWindow.localDays(c.path("localDays").asInt());
      b.cap(new FrequencyCap(FrequencyCap.Scope.valueOf(text(c, "scope")), text(c, "key"),
          c.path("max").asInt(), window));
    }
    JsonNode q = n.path("quietHours");
    if (q.isObject()) {
      b.quietHours(new QuietHours(LocalTime.parse(text(q, "start")),
          LocalTime.parse(text(q, "end")), QuietHours.Mode.valueOf(text(q, "mode")),
          ZoneId.of(text(q, "defaultZone"))));
    }
    if (n.has("messagesPerSecond")) {
      b.messagesPerSecond(n.path("messagesPerSecond").asDouble());
    }
    String deadline = optional(n, "deadline");
    if (deadline != null) {
      b.deadline(Instant.parse(deadline));
    }
    return b.serviceBypassesCaps(n.path("serviceBypassesCaps").asBoolean(true))
        .serviceBypassesQuietHours(n.path("serviceBypassesQuietHours").asBoolean(true))
        .build();
  }
}
