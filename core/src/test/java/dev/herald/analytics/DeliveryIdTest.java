package dev.herald.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class DeliveryIdTest {

  @Test
  void anIdIsDThen128BitsInCanonicalUnpaddedBase64Url() {
    // more ids than one refill of a thread's buffer of random bits
    for (int i = 0; i < 1_000; i++) {
      String id = DeliveryRecord.newDeliveryId();
      assertThat(id).hasSize(23).startsWith("d");
      byte[] bits = Base64.getUrlDecoder().decode(id.substring(1));
      assertThat(bits).hasSize(16);
      assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(bits))
          .isEqualTo(id.substring(1));
    }
  }

  @Test
  void idsDoNotRepeatWithinOrAcrossThreads() throws InterruptedException {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> {
        for (int i = 0; i < 5_000; i++) {
          ids.add(DeliveryRecord.newDeliveryId());
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(ids).hasSize(20_000);
  }

  @Test
  void everyBitVaries() {
    // a bit stuck at 0 or 1 in every id (an encoding slip) would show in 2,000 ids
    int[] ones = new int[128];
    int n = 2_000;
    for (int i = 0; i < n; i++) {
      byte[] bits = Base64.getUrlDecoder().decode(DeliveryRecord.newDeliveryId().substring(1));
      for (int b = 0; b < 128; b++) {
        ones[b] += (bits[b / 8] >>> (7 - b % 8)) & 1;
      }
    }
    Set<Integer> stuck = new HashSet<>();
    for (int b = 0; b < 128; b++) {
      if (ones[b] < n / 4 || ones[b] > 3 * n / 4) {
        stuck.add(b);
      }
    }
    assertThat(stuck).isEmpty();
  }
}
