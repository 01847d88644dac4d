// Sends one message with Jakarta Mail (JavaMail), configured from the SD_* environment
// (see run-clients.sh). On failure it prints the stack trace, what applications log.
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

public class JakartaMailTest {
  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  public static void main(String[] args) {
    try {
      String security = env("SD_SECURITY", "starttls");
      String user = env("SD_USER", "");
      String timeout = String.valueOf(Integer.parseInt(env("SD_TIMEOUT", "10")) * 1000);
      Properties p = new Properties();
      p.put("mail.smtp.host", env("SD_HOST", "127.0.0.1"));
      p.put("mail.smtp.port", env("SD_PORT", "25"));
      p.put("mail.smtp.connectiontimeout", timeout);
      p.put("mail.smtp.timeout", timeout);
      p.put("mail.smtp.auth", String.valueOf(!user.isEmpty()));
      if (security.equals("starttls")) {
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
      } else if (security.equals("tls")) {
        p.put("mail.smtp.ssl.enable", "true");
      }
      if (env("SD_VERIFY", "none").equals("none"))
        p.put("mail.smtp.ssl.trust", "*");
      else
        p.put("mail.smtp.ssl.checkserveridentity", "true");
      if (env("SD_TLS_MAX", "").equals("1.0"))
        p.put("mail.smtp.ssl.protocols", "TLSv1");
      Session session = Session.getInstance(p);
      MimeMessage msg = new MimeMessage(session);
      msg.setFrom(new InternetAddress(env("SD_FROM", "")));
      msg.setRecipients(Message.RecipientType.TO, env("SD_TO", ""));
      msg.setSubject("Jakarta Mail test");
      msg.setText("x".repeat(Integer.parseInt(env("SD_BODY_SIZE", "100"))));
      if (user.isEmpty())
        Transport.send(msg);
      else
        Transport.send(msg, user, env("SD_PASSWORD", ""));
      System.out.println("sent");
    } catch (Exception e) {
      e.printStackTrace(System.out);
      System.exit(1);
    }
  }
}
