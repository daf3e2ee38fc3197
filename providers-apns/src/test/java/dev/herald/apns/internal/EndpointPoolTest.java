package dev.herald.apns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which connections carry the notifications in flight. */
class EndpointPoolTest {
  private static ApnsChannel[] channels(int count, int maxStreams, int serverLimit) {
    ApnsChannel[] channels = new ApnsChannel[count];
    for (int i = 0; i < count; i++) {
      channels[i] = new ApnsChannel(i, maxStreams);
      channels[i].serverLimit = serverLimit;
    }
    return channels;
  }

  @Test
  void usesOneConnectionUpToAHundredInFlight() {
    ApnsChannel[] four = channels(4, 1000, Integer.MAX_VALUE);
    assertThat(EndpointPool.activeChannels(four, 1)).isEqualTo(1);
    assertThat(EndpointPool.activeChannels(four, 32)).isEqualTo(1);
    assertThat(EndpointPool.activeChannels(four, 100)).isEqualTo(1);
  }

  @Test
  void putsAnotherConnectionToUseForEachHundredMore() {
    ApnsChannel[] four = channels(4, 1000, 1000);
    assertThat(EndpointPool.activeChannels(four, 101)).isEqualTo(2);
    assertThat(EndpointPool.activeChannels(four, 250)).isEqualTo(3);
    assertThat(EndpointPool.activeChannels(four, 4000)).isEqualTo(4);
  }

  @Test
  void usesMoreWhenServersAllowFewerStreams() {
    assertThat(EndpointPool.activeChannels(channels(4, 1000, 10), 30)).isEqualTo(3);
    assertThat(EndpointPool.activeChannels(channels(4, 25, 1000), 60)).isEqualTo(3);
    assertThat(EndpointPool.activeChannels(channels(2, 1000, 10), 500)).isEqualTo(2);
  }
}
