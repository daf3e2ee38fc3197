package dev.herald.examples;

import dev.herald.Herald;
import dev.herald.analytics.CampaignStats;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DeliveryStats;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.CampaignState;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchHandle;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.dispatch.Variant;
import dev.herald.embedded.InMemoryCampaignStore;
import dev.herald.embedded.InMemoryDeliveryStore;
import dev.herald.embedded.InMemoryTriggerStore;
import dev.herald.jdbc.HeraldSchema;
import dev.herald.jdbc.JdbcCampaignStore;
import dev.herald.jdbc.JdbcDeliveryStore;
import dev.herald.jdbc.JdbcSegmentStore;
import dev.herald.jdbc.JdbcSubscriptionStore;
import dev.herald.jdbc.JdbcTriggerStore;
import dev.herald.segmentation.SegmentStore;
import dev.herald.segmentation.sql.SqlAudience;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.CampaignStore;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.SubscriptionStore;
import dev.herald.spi.TriggerStore;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.embedded.ProfileComplianceGuard;
import dev.herald.apns.ApnsProvider;
import dev.herald.apns.ApnsSigningKey;
import dev.herald.fcm.FcmProvider;
import dev.herald.fcm.ServiceAccount;
import dev.herald.segmentation.PushActivity;
import dev.herald.segmentation.Segmentation;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.Brand;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PushStatus;
import dev.herald.subscription.Subscriptions;
import dev.herald.testing.apns.MockApnsAnswer;
import dev.herald.testing.apns.MockApnsCredentials;
import dev.herald.testing.apns.MockApnsServer;
import dev.herald.testing.fcm.MockFcmAnswer;
import dev.herald.testing.fcm.MockFcmService;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.trigger.PlayerEvent;
import dev.herald.trigger.PlayerEventType;
import dev.herald.webpush.VapidKeys;
import dev.herald.webpush.WebPushProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * {@code herald demo}: Herald embedded in a pretend casino backend, with its in-memory defaults and
 * the {@code herald-testing} mock push services, so every message really crosses HTTP/2 (and TLS)
 * on loopback with the real protocols.
 *
 * <p>It creates players with browsers and apps in every status (one SUSPENDED by an account
 * switch), opt-ins, time zones, VIP levels and responsible-gambling flags; runs a promotional
 * campaign to a segment with an A/B split and a control group; runs the deposit-reminder trigger
 * (one reminder cancelled by a deposit); sends a security alert to a self-excluded player (who gets
 * it) next to a promotion for the same player (held back); simulates clicks and deposits; and ends
 * with a report per campaign, variant and brand.
 *
 * <p>The operator runs two casino brands, Lucky Spins and Golden Reels, from this one Herald: each
 * brand has its own VAPID key pair, Apple signing key and bundle id, and Firebase project, and
 * each player's devices belong to the brand they signed up on. One campaign goes to every brand,
 * another to Golden Reels only.
 */
public final class CasinoDemo {
  /** Friday 20 November 2026, 17:30 UTC: evening in Europe, outside the quiet hours. */
  private static final Instant DEMO_START = Instant.parse("2026-11-20T17:30:00Z");
  private static final String[] COUNTRIES = {"DE", "AT", "MT", "SE", "FI", "GB", "IE", "BR"};
  private static final String[] ZONES = {"Europe/Berlin", "Europe/Vienna", "Europe/Malta",
    "Europe/Stockholm", "Europe/Helsinki", "Europe/London", "Europe/Dublin", "America/Sao_Paulo"};
  private static final Locale[] LOCALES = {Locale.GERMANY, Locale.forLanguageTag("de-AT"),
    Locale.UK, Locale.forLanguageTag("sv-SE"), Locale.forLanguageTag("fi-FI"), Locale.UK,
    Locale.UK, Locale.forLanguageTag("pt-BR")};
  private static final String[] NAMES = {"Ada", "Bo", "Chiara", "Dmitri", "Elin", "Femi", "Greta",
    "Hugo", "Ines", "Jonas", "Kaisa", "Luca", "Maja", "Noah", "Olga", "Pedro"};
  /** The operator's two casino brands, one Herald for both, each with its own credentials. */
  static final Brand LUCKY_SPINS = Brand.of("lucky-spins");
  static final Brand GOLDEN_REELS = Brand.of("golden-reels");
  private static final List<String> CATEGORIES = List.of("promotions", "tournaments", "cashback",
      "vip");

  private final PrintWriter out;
  private final int playerCount;
  private final boolean progress;
  private final SplittableRandom random;
  private final DataSource dataSource;

  /**
   * Creates the demo.
   *
   * @param out where to print
   * @param players how many players to create
   * @param seed the seed of the random data
   * @param progress whether to draw a progress bar while the campaign sends
   */
  public CasinoDemo(PrintWriter out, int players, long seed, boolean progress) {
    this(out, players, seed, progress, null);
  }

  /**
   * Creates the demo on PostgreSQL: herald-jdbc's stores in a fresh schema of this database.
   *
   * @param out where to print
   * @param players how many players to create
   * @param seed the seed of the random data
   * @param progress whether to draw a progress bar while the campaign sends
   * @param dataSource the database, or null for the in-memory stores
   */
  public CasinoDemo(PrintWriter out, int players, long seed, boolean progress,
      DataSource dataSource) {
    this.out = out;
    this.playerCount = players;
    this.progress = progress;
    this.random = new SplittableRandom(seed);
    this.dataSource = dataSource;
  }

  /**
   * Runs the demo.
   *
   * @return the report of the mass campaign
   * @throws Exception when a mock service cannot start
   */
  public DemoResult run() throws Exception {
    long started = System.nanoTime();
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), DEMO_START));
    // Each brand is its own Apple team (its own .p8 key and bundle id), its own Firebase project
    // and its own VAPID key pair; the mock APNs server trusts both teams.
    MockApnsCredentials.SigningKey luckyApnsKey =
        MockApnsCredentials.signingKey("LUCKY12345", "LKEY123456");
    MockApnsCredentials.SigningKey goldenApnsKey =
        MockApnsCredentials.signingKey("GOLDEN1234", "GKEY123456");
    try (MockWebPushService webPushService =
            MockWebPushService.builder().https().clock(clock).retainedMessages(100)
                .subscriptionKeyPairs(256).start();
        MockFcmService luckyFcm = MockFcmService.builder().projectId("lucky-spins-app")
            .clock(clock).recordMessages(false).start();
        MockFcmService goldenFcm = MockFcmService.builder().projectId("golden-reels-app")
            .clock(clock).recordMessages(false).start();
        MockApnsServer apnsService = MockApnsServer.builder()
            .trust(luckyApnsKey).trust(goldenApnsKey)
            .topics(Site.LUCKY_BUNDLE, Site.GOLDEN_BUNDLE)
            .clock(clock).recordNotifications(false).start()) {
      List<Site> sites = List.of(
          new Site(LUCKY_SPINS, Site.LUCKY_BUNDLE, VapidKeys.generate(), luckyFcm, luckyApnsKey),
          new Site(GOLDEN_REELS, Site.GOLDEN_BUNDLE, VapidKeys.generate(), goldenFcm,
              goldenApnsKey));

      InMemoryPlayerDirectory inMemoryPlayers = null;
      PostgresCasino casinoTables = null;
      PlayerDirectory players;
      SubscriptionStore subscriptions;
      DeliveryStore deliveries;
      CampaignStore campaigns;
      TriggerStore triggers;
      SegmentStore segmentStore;
      if (dataSource == null) {
        inMemoryPlayers = new InMemoryPlayerDirectory();
        players = inMemoryPlayers;
        subscriptions = new InMemorySubscriptionStore();
        deliveries = new InMemoryDeliveryStore();
        campaigns = new InMemoryCampaignStore();
        triggers = new InMemoryTriggerStore();
        segmentStore = SegmentStore.inMemory();
      } else {
        // a schema of its own per run, so that a second run on one database starts afresh
        String schema = "herald_demo_" + System.currentTimeMillis();
        HeraldSchema.migrate(dataSource, schema);
        out.printf("Stores: PostgreSQL, schema %s%n", schema);
        JdbcSubscriptionStore jdbcSubscriptions = new JdbcSubscriptionStore(dataSource, schema);
        subscriptions = jdbcSubscriptions;
        deliveries = new JdbcDeliveryStore(dataSource, schema);
        campaigns = new JdbcCampaignStore(dataSource, schema);
        triggers = new JdbcTriggerStore(dataSource, schema);
        segmentStore = new JdbcSegmentStore(dataSource, schema);
        casinoTables = new PostgresCasino(dataSource, schema, clock, jdbcSubscriptions);
        players = casinoTables.directory();
      }
      Segmentation.Builder segmentation = Segmentation.builder();
      if (casinoTables != null) { // segments are evaluated in PostgreSQL: no index in the heap
        segmentation.sqlAudience(SqlAudience.of(dataSource, casinoTables.segmentTable()));
      }
      Segmentation segments = segmentation
          .players(players)
          .subscriptionStore(subscriptions)
          .pushActivity(PushActivity.fromDeliveryStore(deliveries))
          .segmentStore(segmentStore)
          .clock(clock)
          .build();
      Herald.Builder builder = Herald.builder()
          .clock(clock)
          .playerDirectory(players)
          .subscriptionStore(subscriptions)
          .deliveryStore(deliveries)
          .campaignStore(campaigns)
          .triggerStore(triggers)
          .audienceResolver(segments)
          .dispatchSettings(DispatchSettings.builder().maxPlayersInProgress(2_000).build());
      for (Site site : sites) { // one Herald, a provider per (platform, brand)
        builder.provider(site.brand(), WebPushProvider.builder()
                .vapid(site.vapid(), "mailto:push@" + site.brand() + ".example")
                .clock(clock)
                .allowHost(webPushService.host())
                .trustedCertificates(webPushService.certificate())
                .build())
            .provider(site.brand(), FcmProvider.builder()
                .serviceAccount(ServiceAccount.fromJson(site.fcm().serviceAccountJson()))
                .baseUrl(site.fcm().baseUrl())
                .clock(clock)
                .trustCertificate(site.fcm().certificate())
                .build())
            .provider(site.brand(), ApnsProvider.builder()
                .signingKey(ApnsSigningKey.of(site.apnsKey().privateKey(),
                    site.apnsKey().teamId(), site.apnsKey().keyId()))
                .endpoint(apnsService.endpoint())
                .trustedCertificates(apnsService.certificate())
                .clock(clock)
                .build());
      }
      try (Herald herald = builder.build()) {
        Population population = createPlayers(herald, inMemoryPlayers, casinoTables,
            webPushService, apnsService, sites, clock.instant());
        printDevices(herald, population);

        section("Segment");
        String rule = "push.enabled and country in (\"DE\", \"AT\", \"MT\", \"SE\", \"FI\")"
            + " and last_login_at within 30d and vip_level >= 1";
        segments.segments().define("active-eu", "Active players in our EU markets", rule);
        if (casinoTables == null) {
          segments.refreshIndex();
        }
        long audience = segments.count("active-eu");
        out.printf("active-eu: %s%n  %,d of %,d players%n", rule, audience, playerCount);

        section("Campaign: weekend free spins (A/B test, 10% control group)");
        CampaignStats weekend = runWeekendCampaign(herald, audience);

        section("Campaign: Golden Reels jackpot week (one brand)");
        runBrandCampaign(herald);

        section("Trigger: deposit reminder");
        runDepositReminders(herald, population, clock);

        section("Security alert and promotion to a self-excluded player");
        runSelfExcluded(herald, population);

        section("Clicks and deposits");
        simulateClicks(herald, deliveries);

        section("Report");
        report(herald, List.of("weekend-spins", "golden-jackpot-week", "rule:deposit-reminder",
            "transactional:SECURITY_ALERT", "promo-self-excluded"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        out.printf("%nDone in %.1f s.%n", took.toMillis() / 1000.0);
        out.flush();
        return new DemoResult(herald.analytics().stats("weekend-spins"), weekend,
            herald.analytics().stats("golden-jackpot-week"), took);
      }
    }
  }

  /** What the demo produced, for its test. */
  public record DemoResult(CampaignStats campaign, CampaignStats atCompletion,
      CampaignStats oneBrand, Duration took) {}

  /**
   * One brand's site and apps: its bundle id, VAPID key pair, Firebase project (a mock of its
   * own) and Apple signing key.
   */
  private record Site(Brand brand, String bundleId, VapidKeys vapid, MockFcmService fcm,
      MockApnsCredentials.SigningKey apnsKey) {
    static final String LUCKY_BUNDLE = "com.example.luckyspins";
    static final String GOLDEN_BUNDLE = "com.example.goldenreels";
  }

  // ------------------------------------------------------------------------------------ players

  /**
   * The players the later steps pick from: ids are {@link #playerId} of 0 to size - 1, so that a
   * million of them are not held twice (the stores hold them).
   */
  private record Population(int size, String selfExcluded, List<String> depositors,
      String suspended) {}

  private static String playerId(int index) {
    return String.format("player-%05d", index);
  }

  /**
   * Makes the players: in memory into the directory and Herald's subscriptions, or on PostgreSQL
   * through an in-memory staging batch that {@link PostgresCasino} imports into the tables.
   */
  private Population createPlayers(Herald herald, InMemoryPlayerDirectory players,
      PostgresCasino casinoTables, MockWebPushService webPushService, MockApnsServer apnsService,
      List<Site> sites, Instant now) throws IOException {
    section("Players and devices");
    String selfExcluded = null;
    List<String> depositors = new ArrayList<>();
    for (int i = 0; i < playerCount; i++) {
      Subscriptions subs = casinoTables == null ? herald.subscriptions()
          : casinoTables.subscriptions();
      String id = playerId(i);
      int market = random.nextInt(COUNTRIES.length);
      PlayerProfile.Builder profile = PlayerProfile.builder(id)
          .locale(LOCALES[market])
          .timeZone(ZoneId.of(ZONES[market]))
          .attribute("first_name", NAMES[random.nextInt(NAMES.length)])
          .attribute("country", COUNTRIES[market])
          .attribute("vip_level", (long) Math.min(5, random.nextInt(8)))
          .attribute("balance", BigDecimal.valueOf(random.nextInt(50_000), 2))
          .attribute("deposit_count", (long) random.nextInt(40))
          .attribute("registered_at", now.minus(Duration.ofDays(30 + random.nextInt(700))))
          .attribute("last_login_at", now.minus(Duration.ofHours(random.nextInt(24 * 60))));
      int rg = random.nextInt(100);
      if (rg == 0 || selfExcluded == null && i == 7) {
        profile.attribute(ProfileComplianceGuard.SELF_EXCLUDED, true);
      } else if (rg == 1) {
        profile.attribute(ProfileComplianceGuard.COOLING_OFF_UNTIL, now.plus(Duration.ofDays(7)));
      } else if (rg == 2) {
        profile.attribute(ProfileComplianceGuard.DEPOSIT_LIMIT_REACHED, true);
      }
      if (casinoTables == null) {
        players.put(profile.build());
      } else {
        casinoTables.add(profile.build());
      }
      // a player signed up on one of the brands; their browser and apps are that brand's
      Site site = sites.get(random.nextInt(100) < 60 ? 0 : 1);
      Brand brand = site.brand();
      VapidKeys vapid = site.vapid();
      MockFcmService fcmService = site.fcm();
      boolean excluded = rg == 0 || selfExcluded == null && i == 7;

      if (random.nextInt(100) < 85) {
        Set<String> categories = new java.util.TreeSet<>();
        if (random.nextInt(100) >= 30) {
          CATEGORIES.forEach(c -> {
            if (random.nextBoolean()) {
              categories.add(c);
            }
          });
          categories.add("promotions");
        }
        subs.updatePreferences(id, true, categories);
      }
      boolean hasBrowser = random.nextInt(100) < 60;
      boolean hasIphone = random.nextInt(100) < 30;
      boolean hasAndroid = !hasIphone && random.nextInt(100) < 45;
      if (!hasBrowser && !hasAndroid && !hasIphone) {
        hasBrowser = random.nextInt(100) < 70;
      }
      if (hasBrowser) {
        int roll = random.nextInt(100);
        subs.registerDevice(brand, id, "browser", Platform.WEB_PUSH, roll >= 5);
        if (roll >= 5 && roll < 15) {
          subs.permissionDenied(brand, id, "browser", Platform.WEB_PUSH);
        } else if (roll >= 25) {
          MockSubscription subscription = webPushService.newSubscription(vapid.publicKeyBase64Url());
          subs.permissionGranted(brand, id, "browser", subscription.address());
          if (random.nextInt(100) < 3) {
            subscription.unsubscribe(); // the browser dropped it: the push service answers 410
          }
          if (excluded && selfExcluded == null) {
            selfExcluded = id;
          }
        }
      }
      if (hasAndroid) {
        int roll = random.nextInt(100);
        subs.registerDevice(brand, id, "android", Platform.FCM, true);
        if (roll < 8) {
          subs.permissionDenied(brand, id, "android", Platform.FCM);
        } else if (roll >= 15) {
          FcmAddress token = new FcmAddress("fcm-" + id + "-" + Long.toHexString(random.nextLong()));
          subs.permissionGranted(brand, id, "android", token);
          if (random.nextInt(100) < 3) {
            fcmService.answer(token.token(), MockFcmAnswer.unregistered()); // app uninstalled
          }
          if (excluded && selfExcluded == null) {
            selfExcluded = id;
          }
        }
      }
      if (hasIphone) {
        int roll = random.nextInt(100);
        subs.registerDevice(brand, id, "iphone", Platform.APNS, true);
        if (roll < 12) {
          subs.permissionDenied(brand, id, "iphone", Platform.APNS);
        } else if (roll >= 20) {
          String token = String.format("%016x%016x%016x%016x", random.nextLong(),
              random.nextLong(), random.nextLong(), random.nextLong());
          subs.permissionGranted(brand, id, "iphone",
              ApnsAddress.production(token, site.bundleId()));
          if (random.nextInt(100) < 3) { // app deleted: Apple answers 410 Unregistered
            apnsService.answer(token, MockApnsAnswer.unregistered(now.minus(Duration.ofDays(2))));
          }
          if (excluded && selfExcluded == null) {
            selfExcluded = id;
          }
        }
      }
      if (!excluded && subs.state(id).pushEnabled() && depositors.size() < 40
          && random.nextInt(10) == 0) {
        depositors.add(id);
      }
      if (casinoTables != null && casinoTables.full()) {
        casinoTables.flush();
      }
    }
    if (casinoTables != null) {
      casinoTables.flush();
      casinoTables.analyze();
    }
    Subscriptions subs = herald.subscriptions();
    // Two players share a browser: the second logs in, the first one's device is SUSPENDED.
    MockSubscription shared =
        webPushService.newSubscription(sites.get(0).vapid().publicKeyBase64Url());
    String first = playerId(1);
    String second = playerId(2);
    subs.permissionGranted(LUCKY_SPINS, first, "family-laptop", shared.address());
    subs.permissionGranted(LUCKY_SPINS, second, "family-laptop", shared.address());
    return new Population(playerCount, selfExcluded, depositors, first);
  }

  private void printDevices(Herald herald, Population population) {
    Map<Platform, Map<PushStatus, Integer>> table = new EnumMap<>(Platform.class);
    Map<Brand, Integer> devicesByBrand = new TreeMap<>();
    long enabled = 0;
    // a page of players per read: one query per page (not per player) on PostgreSQL
    for (int from = 0; from < population.size(); from += PostgresCasino.BATCH) {
      List<String> ids = new ArrayList<>(PostgresCasino.BATCH);
      for (int i = from; i < Math.min(population.size(), from + PostgresCasino.BATCH); i++) {
        ids.add(playerId(i));
      }
      for (var state : herald.subscriptions().states(ids).values()) {
        if (state.pushEnabled()) {
          enabled++;
        }
        state.devices().forEach(d -> {
          table.computeIfAbsent(d.platform(), p -> new EnumMap<>(PushStatus.class))
              .merge(d.status(), 1, Integer::sum);
          devicesByBrand.merge(d.brand(), 1, Integer::sum);
        });
      }
    }
    out.printf("%,d players, %,d with push enabled%n", population.size(), enabled);
    out.printf("  devices by brand: %s (one Herald, each brand with its own VAPID keys,"
        + " APNs key and topic, Firebase project)%n", devicesByBrand);
    out.printf("  %-9s", "");
    for (PushStatus s : PushStatus.values()) {
      out.printf("%12s", s);
    }
    out.println();
    table.forEach((platform, counts) -> {
      out.printf("  %-9s", platform);
      for (PushStatus s : PushStatus.values()) {
        out.printf("%,12d", counts.getOrDefault(s, 0));
      }
      out.println();
    });
    out.printf("  %s logged in on %s's laptop: %s's device is %s%n",
        playerId(2), population.suspended(), population.suspended(),
        herald.subscriptions().device(population.suspended(), "family-laptop").orElseThrow()
            .status());
  }

  // ----------------------------------------------------------------------------------- campaign

  private CampaignStats runWeekendCampaign(Herald herald, long audience)
      throws InterruptedException {
    Campaign weekend = Campaign.builder("weekend-spins", "Weekend free spins")
        .audience(Audience.segment("active-eu"))
        .variant(Variant.of("A", Content.builder(MessageTemplate.builder()
                .type(NotificationType.PROMOTIONAL)
                .title("{{first_name}}, 50 free spins for your weekend")
                .body("On Starburst, until Sunday midnight.")
                .deepLink("https://casino.example/promo/weekend?v=A")
                .build())
            .locale(Locale.GERMAN, MessageTemplate.builder()
                .type(NotificationType.PROMOTIONAL)
                .title("{{first_name}}, 50 Freispiele fürs Wochenende")
                .deepLink("https://casino.example/de/promo/weekend?v=A")
                .build())
            .build()))
        .variant(Variant.of("B", Content.of(MessageTemplate.builder()
            .type(NotificationType.PROMOTIONAL)
            .title("Your weekend bonus: 50 spins, no deposit needed")
            .body("Tap to claim before Sunday.")
            .deepLink("https://casino.example/promo/weekend?v=B")
            .build())))
        .controlShare(0.1)
        .policy(CasinoRecipes.MARKETING_POLICY)
        .build();
    herald.campaigns().create(weekend);
    herald.campaigns().schedule("weekend-spins");
    DispatchHandle run = null;
    while (run == null) {
      run = herald.campaigns().currentRun("weekend-spins").orElse(null);
      if (run == null && herald.campaigns().find("weekend-spins").orElseThrow().state()
          == CampaignState.COMPLETED) {
        break;
      }
      Thread.sleep(5);
    }
    if (run != null) {
      try (ProgressBar bar = progressBar("weekend-spins", audience)) {
        while (!run.completion().isDone()) {
          if (bar != null) {
            bar.stepTo(run.playersRead());
          }
          Thread.sleep(50);
        }
        if (bar != null) {
          bar.stepTo(audience);
        }
      }
      if (progress) {
        out.println();
      }
      run.completion().join();
    }
    CampaignStats stats = herald.analytics().stats("weekend-spins");
    DeliveryStats t = stats.total();
    out.printf("%,d deliveries: %,d delivered, %,d failed, %,d held back%n", t.audience(),
        t.delivered(), t.failed(), t.suppressed());
    out.printf("  held back: %s%n", t.suppressedByReason());
    out.printf("  failed:    %s%n", t.failedByReason());
    return stats;
  }

  /** A campaign of one brand: the same segment, only Golden Reels' browsers and apps. */
  private void runBrandCampaign(Herald herald) throws InterruptedException {
    Campaign jackpot = Campaign.builder("golden-jackpot-week", "Golden Reels jackpot week")
        .audience(Audience.segment("active-eu"))
        .brand(GOLDEN_REELS)
        .content(Content.of(MessageTemplate.builder()
            .type(NotificationType.TOURNAMENT)
            .title("{{first_name}}, the Golden Reels jackpot week starts now")
            .deepLink("https://golden-reels.example/jackpot")
            .build()))
        .policy(CasinoRecipes.MARKETING_POLICY)
        .build();
    herald.campaigns().create(jackpot);
    herald.campaigns().schedule("golden-jackpot-week");
    CampaignStats stats = awaitCampaign(herald, "golden-jackpot-week");
    out.printf("%s only: %,d delivered to its devices; %s%n", GOLDEN_REELS,
        stats.brand(GOLDEN_REELS).delivered(), stats.byBrand().keySet().equals(
            Set.of(GOLDEN_REELS)) ? "no other brand's device was sent to"
            : "other brands: " + stats.byBrand().keySet());
  }

  private static CampaignStats awaitCampaign(Herald herald, String id)
      throws InterruptedException {
    DispatchHandle run = herald.campaigns().currentRun(id).orElse(null);
    while (run == null && herald.campaigns().find(id).orElseThrow().state()
        != CampaignState.COMPLETED) {
      Thread.sleep(5);
      run = herald.campaigns().currentRun(id).orElse(null);
    }
    if (run != null) {
      run.completion().join();
    }
    return herald.analytics().stats(id);
  }

  private ProgressBar progressBar(String task, long max) {
    if (!progress) {
      return null;
    }
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setUnit(" players", 1)
        .setUpdateIntervalMillis(100)
        .setStyle(me.tongfei.progressbar.ProgressBarStyle.ASCII)
        .setConsumer(new DelegatingProgressBarConsumer(line -> {
          out.print("\r" + line);
          out.flush();
        }, 100))
        .build();
  }

  // ------------------------------------------------------------------------------------ trigger

  private void runDepositReminders(Herald herald, Population population, Clock clock)
      throws InterruptedException {
    herald.triggers().define(CasinoRecipes.depositReminder(Duration.ofSeconds(2)));
    int n = 0;
    for (String player : population.depositors()) {
      herald.triggers().report(PlayerEvent.builder("abandon-" + player, player,
              PlayerEventType.DEPOSIT_ABANDONED, clock.instant())
          .attribute("amount", 20 + 5 * random.nextInt(20))
          .attribute("method", "card")
          .build());
      n++;
    }
    String changedMind = population.depositors().get(0);
    herald.triggers().report(PlayerEvent.builder("deposit-" + changedMind, changedMind,
        PlayerEventType.DEPOSIT, clock.instant()).attribute("amount", 50).build());
    out.printf("%d abandoned deposits reported; %s deposited before the reminder went%n", n,
        changedMind);
    out.println("  (the demo waits 2 seconds instead of the recipe's 30 minutes)");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    DeliveryStats stats;
    do {
      Thread.sleep(100);
      stats = herald.triggers().stats("deposit-reminder").total();
    } while ((stats.audience() < n || stats.pending() > 0) && System.nanoTime() < deadline);
    out.printf("  reminders: %,d delivered, %,d failed, %,d held back %s%n", stats.delivered(),
        stats.failed(), stats.suppressed(), stats.suppressedByReason());
  }

  // ------------------------------------------------------------------------ RG: service vs promo

  private void runSelfExcluded(Herald herald, Population population) {
    String player = population.selfExcluded();
    if (player == null) {
      out.println("(no self-excluded player with a device in this population)");
      return;
    }
    DispatchReport alert = herald.transactional().send(player,
        Content.of(MessageTemplate.builder().type(NotificationType.SECURITY_ALERT)
            .title("New login from Chrome on Windows")
            .body("If this wasn't you, secure your account now.")
            .build()),
        "login-" + player).join();
    DispatchReport promo = herald.dispatch(DispatchRequest.builder("promo-self-excluded",
            Audience.player(player))
        .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
            .title("Deposit now for a 100% bonus").build()))
        .build()).completion().join();
    out.printf("%s is self-excluded:%n", player);
    out.printf("  security alert: %d delivered%n", alert.stats().delivered());
    out.printf("  promotion:      %d delivered, held back %s%n", promo.stats().delivered(),
        promo.stats().suppressedByReason());
  }

  // ------------------------------------------------------------------------------------- clicks

  private void simulateClicks(Herald herald, DeliveryStore deliveries) {
    // Who clicks is drawn while the deliveries stream by; only those (about a tenth) are kept
    // until the stream is closed, so a million deliveries are never held at once.
    List<String[]> clicked = new ArrayList<>(); // delivery id and player id
    try (Stream<DeliveryRecord> records = deliveries.deliveriesOf("weekend-spins")) {
      records.filter(r -> r.state() == DeliveryState.DELIVERED).forEach(r -> {
        int clickPercent = r.variant().equals("B") ? 14 : 9; // B's copy does better
        if (random.nextInt(100) < clickPercent) {
          clicked.add(new String[] {r.deliveryId(), r.playerId()});
        }
      });
    }
    int conversions = 0;
    for (String[] click : clicked) {
      herald.analytics().recordClick(click[0], null);
      if (random.nextInt(100) < 35) {
        herald.analytics().recordConversion(click[1], "deposit",
            BigDecimal.valueOf(10 + random.nextInt(90)));
        conversions++;
      }
    }
    out.printf("%,d clicks reported by the service worker and apps, %,d deposits after a click%n",
        clicked.size(), conversions);
  }

  // ------------------------------------------------------------------------------------- report

  private void report(Herald herald, List<String> sources) {
    String header = String.format("%-30s %8s %10s %6s %9s %6s %7s %6s %6s",
        "campaign / variant / @brand", "audience", "held back", "sent", "delivered", "failed", "clicked",
        "CTR", "conv.");
    out.println(header);
    out.println("-".repeat(header.length()));
    Map<String, Long> reasons = new TreeMap<>();
    for (String source : sources) {
      CampaignStats stats = herald.analytics().stats(source);
      row(source, stats.total());
      if (stats.byVariant().size() > 1) {
        stats.byVariant().forEach((variant, s) -> row("  " + variant, s));
      }
      stats.byBrand().forEach((brand, s) -> row("  @" + brand, s));
      stats.total().suppressedByReason().forEach((k, v) -> reasons.merge(k, v, Long::sum));
    }
    out.println();
    out.println("held back, by reason:");
    reasons.forEach((reason, count) -> out.printf("  %-24s %,8d%n", reason, count));
  }

  private void row(String name, DeliveryStats s) {
    out.printf("%-30s %,8d %,10d %,6d %,9d %,6d %,7d %5.1f%% %,6d%n", name, s.audience(),
        s.suppressed(), s.sent(), s.delivered(), s.failed(), s.clicked(),
        100 * s.clickThroughRate(), s.conversions());
  }

  private void section(String title) {
    out.println();
    out.println("== " + title + " ==");
    out.flush();
  }
}
