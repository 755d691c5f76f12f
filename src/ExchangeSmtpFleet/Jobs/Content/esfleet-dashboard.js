// esfleet: one date format across the dashboard (issue 20). Hangfire's own pages render times in the browser: the footer's
// "Application Time" as moment's 'l LTS' in the browser's zone and locale ("12/6/2026 10:44:08 PM"), the tooltips of
// relative times as 'llll'. This script runs after hangfire.js: those two formats become ISO 8601 in UTC, as on the Audit
// pages ("2026-12-06 22:44:08 UTC"); relative times ("a minute ago") stay as Hangfire shows them.
(function () {
    if (typeof moment === 'undefined' || typeof $ === 'undefined') {
        return;
    }

    var format = moment.fn.format;
    moment.fn.format = function (pattern) {
        if (pattern === 'l LTS' || pattern === 'llll') {
            return format.call(this.clone().utc(), 'YYYY-MM-DD HH:mm:ss [UTC]');
        }

        return format.apply(this, arguments);
    };

    // hangfire.js has already rendered the page once with the old formats: render those elements again now (its own
    // 30-second refresh uses the formats above from here on).
    function iso(timestamp) {
        return moment(timestamp, 'X').format('llll');
    }

    $('*[data-moment-local]').each(function () {
        var timestamp = $(this).data('moment-local');
        if (timestamp) {
            $(this).text(iso(timestamp));
        }
    });

    $('*[data-moment], *[data-moment-title]').each(function () {
        var timestamp = $(this).data('moment') || $(this).data('moment-title');
        if (timestamp) {
            // Bootstrap's tooltip has already taken the title into data-original-title.
            $(this).attr('data-original-title', iso(timestamp)).removeAttr('title');
        }
    });
})();
