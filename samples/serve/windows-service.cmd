@rem esfleet serve as a Windows service. Publish first: dotnet publish src\ExchangeSmtpFleet -c Release -o "C:\Program Files\esfleet"
@rem and copy samples\serve\appsettings.json there (set DATA_DIR to an absolute folder: a service starts in C:\Windows\System32).
@rem Secrets as machine environment variables readable by the service account only, e.g. ESF_ConnectionStrings__Fleet;
@rem with integrated security (the service account or a gMSA) it holds no password:
@rem   Server=sql01.corp.example;Database=esfleet;Integrated Security=True;Encrypt=True
@rem (a lab server with its self-signed certificate: add TrustServerCertificate=True; README: SQL Server).
sc.exe create esfleet binPath= "\"C:\Program Files\esfleet\esfleet.exe\" serve --urls https://0.0.0.0:5443" start= delayed-auto DisplayName= "ExchangeSmtpFleet audit (esfleet serve)"
sc.exe description esfleet "Nightly audit of the Exchange SMTP fleet: Hangfire jobs, dashboard at /hangfire, /health"
sc.exe failure esfleet reset= 86400 actions= restart/60000/restart/60000/""/0
sc.exe start esfleet
