// Tag names are only known at run time; the SPA fallback serves this route.
export const prerender = false;
