<?php
// Sends one message with PHPMailer, configured from the SD_* environment (see
// run-clients.sh). On failure it prints what PHPMailer's own example prints:
// "Message could not be sent. Mailer Error: {$mail->ErrorInfo}".
require '/usr/share/php/libphp-phpmailer/autoload.php';

use PHPMailer\PHPMailer\PHPMailer;
use PHPMailer\PHPMailer\Exception;

function env($name, $fallback = '')
{
    $v = getenv($name);
    return $v === false || $v === '' ? $fallback : $v;
}

$mail = new PHPMailer(true);
try {
    $mail->isSMTP();
    $mail->Host = env('SD_HOST', '127.0.0.1');
    $mail->Port = (int) env('SD_PORT', '25');
    $mail->Timeout = (int) env('SD_TIMEOUT', '10');
    // The wait for each reply (300 s by default) shortened like the connect timeout.
    $mail->getSMTPInstance()->Timelimit = $mail->Timeout;
    $security = env('SD_SECURITY', 'starttls');
    if ($security === 'starttls') {
        $mail->SMTPSecure = PHPMailer::ENCRYPTION_STARTTLS;
    } elseif ($security === 'tls') {
        $mail->SMTPSecure = PHPMailer::ENCRYPTION_SMTPS;
    } else {
        $mail->SMTPAutoTLS = false;
    }
    $ssl = [];
    if (env('SD_VERIFY', 'none') === 'none') {
        $ssl = ['verify_peer' => false, 'verify_peer_name' => false, 'allow_self_signed' => true];
    } elseif (env('SD_VERIFY') === 'ca') {
        $ssl = ['cafile' => env('SD_CAFILE')];
    }
    if (env('SD_TLS_MAX') === '1.0') {
        $ssl['crypto_method'] = STREAM_CRYPTO_METHOD_TLSv1_0_CLIENT;
        $ssl['ciphers'] = 'DEFAULT@SECLEVEL=0';
    }
    $mail->SMTPOptions = ['ssl' => $ssl];
    if (env('SD_USER') !== '') {
        $mail->SMTPAuth = true;
        $mail->Username = env('SD_USER');
        $mail->Password = env('SD_PASSWORD');
    }
    $mail->setFrom(env('SD_FROM'));
    $mail->addAddress(env('SD_TO'));
    $mail->Subject = 'PHPMailer test';
    $mail->Body = str_repeat('x', (int) env('SD_BODY_SIZE', '100'));
    $mail->send();
    echo "sent\n";
} catch (Exception $e) {
    echo "Message could not be sent. Mailer Error: {$mail->ErrorInfo}\n";
    exit(1);
}
