package dev.herald.fcm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAccountTest {
  private static final String TOKEN_URI = "https://oauth2.googleapis.com/token";

  @Test
  void readsTheFieldsHeraldNeeds() {
    ServiceAccount account = ServiceAccount.fromJson(Fixtures.serviceAccountJson(TOKEN_URI));

    assertThat(account.projectId()).isEqualTo(Fixtures.PROJECT);
    assertThat(account.clientEmail()).isEqualTo(Fixtures.EMAIL);
    assertThat(account.privateKeyId()).isEqualTo(Fixtures.KEY_ID);
    assertThat(account.tokenUri()).hasToString(TOKEN_URI);
    assertThat(account.privateKey().getEncoded())
        .isEqualTo(Fixtures.keys().getPrivate().getEncoded());
  }

  @Test
  void readsAFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("key.json"), Fixtures.serviceAccountJson(TOKEN_URI));

    assertThat(ServiceAccount.fromFile(file).clientEmail()).isEqualTo(Fixtures.EMAIL);
  }

  @Test
  void defaultsTheTokenUriToGoogles() {
    String json = Fixtures.serviceAccountJson(TOKEN_URI).replace("\"token_uri\"", "\"unused\"");

    assertThat(ServiceAccount.fromJson(json).tokenUri()).hasToString(ServiceAccount.DEFAULT_TOKEN_URI);
  }

  @Test
  void toStringNamesTheAccountButNeverTheKey() {
    ServiceAccount account = ServiceAccount.fromJson(Fixtures.serviceAccountJson(TOKEN_URI));
    String base64Key = Base64.getEncoder().encodeToString(Fixtures.keys().getPrivate().getEncoded());

    assertThat(account.toString())
        .contains(Fixtures.EMAIL, Fixtures.PROJECT, Fixtures.KEY_ID)
        .doesNotContain(base64Key.substring(0, 40), base64Key.substring(200, 240), "PRIVATE");
  }

  @Test
  void namesAMissingField() {
    String json = Fixtures.serviceAccountJson(TOKEN_URI).replace("\"client_email\"", "\"email\"");

    assertThatThrownBy(() -> ServiceAccount.fromJson(json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("serviceAccount.client_email: is required");
  }

  @Test
  void refusesAUserCredential() {
    String json = Fixtures.serviceAccountJson(TOKEN_URI)
        .replace("\"service_account\"", "\"authorized_user\"");

    assertThatThrownBy(() -> ServiceAccount.fromJson(json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("serviceAccount.type: must be service_account, got authorized_user");
  }

  @Test
  void neverEchoesTheTypeField() {
    // Issue 16: the type was echoed; a key pasted into it went into the error.
    String base64Key = Base64.getEncoder().encodeToString(Fixtures.keys().getPrivate().getEncoded());
    String json = Fixtures.serviceAccountJson(TOKEN_URI)
        .replace("\"service_account\"", "\"" + base64Key.substring(0, 64) + "\"");

    assertThatThrownBy(() -> ServiceAccount.fromJson(json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("serviceAccount.type: must be service_account, got another value")
        .hasMessageNotContaining(base64Key.substring(0, 64));
  }

  @Test
  void neverEchoesTheTokenUriScheme() {
    String json = Fixtures.serviceAccountJson("secret-value-123:rest");

    assertThatThrownBy(() -> ServiceAccount.fromJson(json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("serviceAccount.token_uri: must be an https URL");
  }

  @Test
  void refusesAPlainHttpTokenUri() {
    assertThatThrownBy(() -> ServiceAccount.fromJson(
            Fixtures.serviceAccountJson("http://oauth2.googleapis.com/token")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("serviceAccount.token_uri: must be an https URL");
  }

  @Test
  void refusesAPkcs1KeyWithTheConversionCommand() {
    String json = Fixtures.serviceAccountJson(TOKEN_URI)
        .replace("BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY")
        .replace("END PRIVATE KEY", "END RSA PRIVATE KEY");

    assertThatThrownBy(() -> ServiceAccount.fromJson(json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("serviceAccount.private_key: must be a PKCS#8 PEM key")
        .hasMessageContaining("openssl pkcs8 -topk8");
  }

  @Test
  void refusesAKeyThatIsNotRsaWithoutEchoingIt() {
    String json = Fixtures.serviceAccountJson(TOKEN_URI).replaceFirst(
        "(BEGIN PRIVATE KEY-----\\\\n)[A-Za-z0-9+/]{8}", "$1AAAAAAAA");

    assertThatThrownBy(() -> ServiceAccount.fromJson(json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("serviceAccount.private_key: is not a PKCS#8-encoded RSA private key");
  }

  @Test
  void reportsMalformedJsonWithoutQuotingIt() {
    String json = Fixtures.serviceAccountJson(TOKEN_URI).replace("\"project_id\":", "\"project_id\"");

    assertThatThrownBy(() -> ServiceAccount.fromJson(json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("serviceAccount: is not valid JSON (line 3")
        .hasMessageNotContaining(Fixtures.PROJECT);
  }
}
