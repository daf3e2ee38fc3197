package dev.herald.spi;

import dev.herald.HeraldException;

/**
 * A write of a node whose lease was taken over by another node: refused by a store fenced with
 * {@link DeliveryStore#fencedBy}, with nothing written. The run that gets it stops (its report's
 * status is STOPPED); the node that holds the lease now carries on.
 */
public class LeaseLostException extends HeraldException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param lease the lease the writer held
   */
  public LeaseLostException(Lease lease) {
    super("lease " + lease.name() + " (token " + lease.token() + ") of node " + lease.owner()
        + " was taken over by another node; this node no longer writes for it");
  }
}
