package dev.herald.subscription;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One device (an app install or a browser profile) of one player, with its push status and
 * address. Immutable; {@link Subscriptions} produces new versions, stores persist them.
 *
 * <p>Invariants, checked by the builder: an {@link PushStatus#ALLOWED} or
 * {@link PushStatus#SUSPENDED} device has an address on its own platform; an ASK, BLOCKED or
 * UNSUPPORTED device has none. Hosts implementing a {@link dev.herald.spi.SubscriptionStore}
 * rebuild devices from their rows with {@link #builder()} and must keep every field, including
 * {@link #version()} and {@link #addressEpoch()}.
 */
public final class Device {
  /** The longest player id accepted. */
  public static final int MAX_PLAYER_ID_CHARS = 128;
  /** The longest device id accepted. */
  public static final int MAX_DEVICE_ID_CHARS = 256;

  private final String playerId;
  private final String deviceId;
  private final Platform platform;
  private final Brand brand;
  private final PushStatus status;
  private final DeviceAddress address;
  private final long addressEpoch;
  private final Instant addressSince;
  private final Invalidation invalidation;
  private final Instant createdAt;
  private final Instant statusChangedAt;
  private final Instant lastSeenAt;
  private final long version;

  private Device(Builder b) {
    this.playerId = Checks.nonBlank(b.playerId, "playerId", MAX_PLAYER_ID_CHARS);
    this.deviceId = Checks.nonBlank(b.deviceId, "deviceId", MAX_DEVICE_ID_CHARS);
    this.platform = Checks.required(b.platform, "platform");
    this.brand = Checks.required(b.brand, "brand");
    this.status = Checks.required(b.status, "status");
    this.address = b.address;
    this.addressEpoch = b.addressEpoch;
    this.invalidation = b.invalidation;
    this.createdAt = Checks.required(b.createdAt, "createdAt");
    this.statusChangedAt = b.statusChangedAt == null ? createdAt : b.statusChangedAt;
    this.lastSeenAt = b.lastSeenAt == null ? createdAt : b.lastSeenAt;
    this.version = b.version;
    boolean needsAddress = status == PushStatus.ALLOWED || status == PushStatus.SUSPENDED;
    if (needsAddress && address == null) {
      throw new InvalidInputException("address", "is required for a " + status + " device");
    }
    if (!needsAddress && address != null) {
      throw new InvalidInputException("address", "must be empty for a " + status + " device");
    }
    if (address != null && address.platform() != platform) {
      throw new InvalidInputException(
          "address", "is a " + address.platform() + " address but the device is " + platform);
    }
    this.addressSince = address == null ? null : Checks.required(b.addressSince, "addressSince");
    if (addressEpoch < 0 || version < 0) {
      throw new InvalidInputException("version", "addressEpoch and version must not be negative");
    }
  }

  /**
   * A builder for a new device, or for rebuilding a stored one.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this device's fields, to derive a changed copy.
   *
   * @return a pre-filled builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.playerId = playerId;
    b.deviceId = deviceId;
    b.platform = platform;
    b.brand = brand;
    b.status = status;
    b.address = address;
    b.addressEpoch = addressEpoch;
    b.addressSince = addressSince;
    b.invalidation = invalidation;
    b.createdAt = createdAt;
    b.statusChangedAt = statusChangedAt;
    b.lastSeenAt = lastSeenAt;
    b.version = version;
    return b;
  }

  /** @return the player this device belongs to */
  public String playerId() {
    return playerId;
  }

  /** @return the device's id, stable per app install or browser profile, chosen by the client */
  public String deviceId() {
    return deviceId;
  }

  /** @return the push service that reaches this device */
  public Platform platform() {
    return platform;
  }

  /**
   * The brand (site or app) the device belongs to; its messages go through that brand's provider.
   *
   * @return the brand, {@link Brand#DEFAULT} unless the client registered it under another
   */
  public Brand brand() {
    return brand;
  }

  /** @return the push status */
  public PushStatus status() {
    return status;
  }

  /** @return the address, present when ALLOWED or SUSPENDED */
  public Optional<DeviceAddress> address() {
    return Optional.ofNullable(address);
  }

  /**
   * The {@link AddressOwner#epoch()} of the last ownership decision applied to this device's
   * address: the claim that made it ALLOWED, or the later claim that SUSPENDED it.
   *
   * @return the epoch, 0 when the device never held an address
   */
  public long addressEpoch() {
    return addressEpoch;
  }

  /** @return when the current address was registered, present with the address */
  public Optional<Instant> addressSince() {
    return Optional.ofNullable(addressSince);
  }

  /** @return the last provider report that the address died, if any since it was re-registered */
  public Optional<Invalidation> invalidation() {
    return Optional.ofNullable(invalidation);
  }

  /** @return when the device was first seen */
  public Instant createdAt() {
    return createdAt;
  }

  /** @return when the status last changed */
  public Instant statusChangedAt() {
    return statusChangedAt;
  }

  /** @return when the client last reported a session on this device */
  public Instant lastSeenAt() {
    return lastSeenAt;
  }

  /** @return the optimistic-concurrency version; 1 for a newly stored device */
  public long version() {
    return version;
  }

  /**
   * Whether a push may be sent to this device now: it is ALLOWED (and so has an address).
   *
   * @return true when ALLOWED
   */
  public boolean isSendable() {
    return status == PushStatus.ALLOWED;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Device d
        && playerId.equals(d.playerId)
        && deviceId.equals(d.deviceId)
        && platform == d.platform
        && brand.equals(d.brand)
        && status == d.status
        && Objects.equals(address, d.address)
        && addressEpoch == d.addressEpoch
        && Objects.equals(addressSince, d.addressSince)
        && Objects.equals(invalidation, d.invalidation)
        && createdAt.equals(d.createdAt)
        && statusChangedAt.equals(d.statusChangedAt)
        && lastSeenAt.equals(d.lastSeenAt)
        && version == d.version;
  }

  @Override
  public int hashCode() {
    return Objects.hash(playerId, deviceId, status, address, version);
  }

  @Override
  public String toString() {
    return "Device{" + playerId + "/" + deviceId + ", " + platform
        + (brand.isDefault() ? "" : ", brand " + brand) + ", " + status
        + (address == null ? "" : ", " + address) + ", v" + version + "}";
  }

  /** Builds a {@link Device}; every setter returns the builder; {@link #build()} validates. */
  public static final class Builder {
    private String playerId;
    private String deviceId;
    private Platform platform;
    private Brand brand = Brand.DEFAULT;
    private PushStatus status;
    private DeviceAddress address;
    private long addressEpoch;
    private Instant addressSince;
    private Invalidation invalidation;
    private Instant createdAt;
    private Instant statusChangedAt;
    private Instant lastSeenAt;
    private long version;

    private Builder() {}

    /**
     * @param value the player id
     * @return this builder
     */
    public Builder playerId(String value) {
      this.playerId = value;
      return this;
    }

    /**
     * @param value the device id
     * @return this builder
     */
    public Builder deviceId(String value) {
      this.deviceId = value;
      return this;
    }

    /**
     * @param value the platform
     * @return this builder
     */
    public Builder platform(Platform value) {
      this.platform = value;
      return this;
    }

    /**
     * @param value the brand; {@link Brand#DEFAULT} unless set
     * @return this builder
     */
    public Builder brand(Brand value) {
      this.brand = value;
      return this;
    }

    /**
     * @param value the status
     * @return this builder
     */
    public Builder status(PushStatus value) {
      this.status = value;
      return this;
    }

    /**
     * @param value the address, or null for none
     * @return this builder
     */
    public Builder address(DeviceAddress value) {
      this.address = value;
      return this;
    }

    /**
     * @param value the ownership epoch of the address
     * @return this builder
     */
    public Builder addressEpoch(long value) {
      this.addressEpoch = value;
      return this;
    }

    /**
     * @param value when the address was registered, or null
     * @return this builder
     */
    public Builder addressSince(Instant value) {
      this.addressSince = value;
      return this;
    }

    /**
     * @param value the last invalidation, or null
     * @return this builder
     */
    public Builder invalidation(Invalidation value) {
      this.invalidation = value;
      return this;
    }

    /**
     * @param value creation time
     * @return this builder
     */
    public Builder createdAt(Instant value) {
      this.createdAt = value;
      return this;
    }

    /**
     * @param value last status change time; defaults to the creation time
     * @return this builder
     */
    public Builder statusChangedAt(Instant value) {
      this.statusChangedAt = value;
      return this;
    }

    /**
     * @param value last session time; defaults to the creation time
     * @return this builder
     */
    public Builder lastSeenAt(Instant value) {
      this.lastSeenAt = value;
      return this;
    }

    /**
     * @param value the stored version
     * @return this builder
     */
    public Builder version(long value) {
      this.version = value;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the device
     * @throws InvalidInputException naming the field that breaks an invariant
     */
    public Device build() {
      return new Device(this);
    }
  }
}
