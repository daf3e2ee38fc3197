package dev.herald.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.webpush.VapidKeys;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald vapid-keys}: prints a new VAPID key pair for Web Push. */
@Command(
    name = "vapid-keys",
    mixinStandardHelpOptions = true,
    description = {
      "Generate a new VAPID key pair (P-256) for Web Push.",
      "Give the public key to browsers as applicationServerKey; keep the private key secret."
    })
final class VapidKeysCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Print {\"publicKey\":…,\"privateKey\":…} on one line.")
  boolean json;

  @Option(names = "--pem", description = "Also print the private key as PKCS#8 PEM.")
  boolean pem;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    VapidKeys keys = VapidKeys.generate();
    if (json) {
      ObjectNode node = new ObjectMapper().createObjectNode();
      node.put("publicKey", keys.publicKeyBase64Url());
      node.put("privateKey", keys.exportPrivateKeyBase64Url());
      if (pem) {
        node.put("privateKeyPem", keys.exportPrivateKeyPem());
      }
      out.println(node);
    } else {
      out.println("Public key (applicationServerKey): " + keys.publicKeyBase64Url());
      out.println("Private key (keep it secret):       " + keys.exportPrivateKeyBase64Url());
      if (pem) {
        out.print(keys.exportPrivateKeyPem());
      }
    }
    out.flush();
    return HeraldCommand.OK;
  }
}
