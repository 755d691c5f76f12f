namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>How the processes of a <see cref="ScaleOutCluster"/> meet the database.</summary>
internal enum ScaleOutLogin
{
    /// <summary>As its owner, on an empty database: <c>serve</c> and the workers start together and race to make both schemas.</summary>
    Owner,

    /// <summary>
    /// As a login with the README's running rights only, after the owner applied <c>esfleet db script --provider postgres</c>
    /// and made Hangfire's schema (the DBA's path): no process may create anything.
    /// </summary>
    RunningRights,
}
