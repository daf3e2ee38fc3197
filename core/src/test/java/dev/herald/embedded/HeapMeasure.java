package dev.herald.embedded;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** What the memory tests share: the heap in use after a full GC, and whether oops are compressed. */
final class HeapMeasure {
  private HeapMeasure() {}

  /** The figures are for compressed references (any heap under 32 GB); without, refs double. */
  static boolean compressedReferences() {
    return "true".equals(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
        .getVMOption("UseCompressedOops").getValue());
  }

  /** The least heap in use seen over a few full GCs. */
  static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
