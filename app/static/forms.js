/* After a refused form the server answers with the page itself (status 422) at the POST URL. Show the
 * page's own address instead, so that the address bar, bookmarks and a reload lead to the page and
 * never repeat the POST. (Without JavaScript, GET on an action URL redirects to the page.) */
(function () {
  "use strict";
  var url = document.body && document.body.dataset.pageUrl;
  if (url && window.history && window.history.replaceState && window.location.pathname !== url) {
    window.history.replaceState(null, "", url);
  }
})();
