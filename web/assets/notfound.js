// The 404 page: only the shell (header, language, footer).

import { initSite } from './site.js';

initSite();
