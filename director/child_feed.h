/* director/child_feed.h - the child's end of the event feed (see director/evfeed.h). */
#ifndef DIR_CHILD_FEED_H
#define DIR_CHILD_FEED_H

#include "director/child_parts.h"

struct dir_child_feed;

/* start reading fd (takes ownership) and calling ctx->ops->on_event; NULL if the part has
 * no on_event (fd closed) or on allocation failure */
struct dir_child_feed *dir_child_feed_attach(struct dir_part_ctx *ctx, int fd);
void dir_child_feed_close(struct dir_child_feed *f);

#endif
