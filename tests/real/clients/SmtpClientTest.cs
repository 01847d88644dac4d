// Sends one message with System.Net.Mail.SmtpClient (what SharePoint, ERPs and
// PowerShell's Send-MailMessage use), configured from the SD_* environment (see
// run-clients.sh). SmtpClient has no implicit TLS: EnableSsl means STARTTLS.
// On failure it prints ex.ToString(), what applications write to their logs.
using System;
using System.Net;
using System.Net.Mail;
using System.Net.Security;

class SmtpClientTest
{
  static string Env (string name, string fallback)
  {
    string v = Environment.GetEnvironmentVariable (name);
    return String.IsNullOrEmpty (v) ? fallback : v;
  }

  static int Main ()
  {
    try {
      string security = Env ("SD_SECURITY", "starttls");
      if (Env ("SD_VERIFY", "none") == "none")
        ServicePointManager.ServerCertificateValidationCallback =
          (sender, cert, chain, errors) => true;
      if (Env ("SD_TLS_MAX", "") == "1.0")
        ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls;
      var client = new SmtpClient (Env ("SD_HOST", "127.0.0.1"), Int32.Parse (Env ("SD_PORT", "25")));
      client.EnableSsl = security != "none";
      client.Timeout = Int32.Parse (Env ("SD_TIMEOUT", "10")) * 1000;
      string user = Env ("SD_USER", "");
      if (user != "")
        client.Credentials = new NetworkCredential (user, Env ("SD_PASSWORD", ""));
      var message = new MailMessage (Env ("SD_FROM", ""), Env ("SD_TO", ""), "SmtpClient test",
                                     new String ('x', Int32.Parse (Env ("SD_BODY_SIZE", "100"))));
      client.Send (message);
      Console.WriteLine ("sent");
      return 0;
    } catch (Exception ex) {
      Console.WriteLine (ex.ToString ());
      return 1;
    }
  }
}
